# FYPFixer API and admin, served by gunicorn (see gunicorn.conf.py).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=False \
    STATIC_ROOT=/app/staticfiles

WORKDIR /app
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# The admin's CSS and JS, compressed and fingerprinted for WhiteNoise. The key only lets
# settings load; the real one comes from the environment at run time.
RUN SECRET_KEY=build-only-not-used-at-runtime python manage.py collectstatic --noinput

RUN mkdir -p /app/media && chown app /app/media
USER app
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/api/health', timeout=2).status != 200)"

# Apply migrations, then serve. With several replicas, run `python manage.py migrate` as a
# release step instead and set RUN_MIGRATIONS=0.
CMD ["sh", "-c", "if [ \"${RUN_MIGRATIONS:-1}\" = 1 ]; then python manage.py migrate --noinput; fi && exec gunicorn -c gunicorn.conf.py fypfixer.wsgi"]
