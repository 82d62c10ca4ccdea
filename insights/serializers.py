from rest_framework import serializers


class DaySerializer(serializers.Serializer):
    day = serializers.DateField()
    active_users = serializers.IntegerField()
    new_users = serializers.IntegerField()
    completions = serializers.IntegerField()


class OverviewSerializer(serializers.Serializer):
    dau = serializers.IntegerField(help_text="Users who completed a step today.")
    new_today = serializers.IntegerField()
    total_users = serializers.IntegerField()
    completions_today = serializers.IntegerField()
    days = DaySerializer(many=True, help_text="The last 30 days, oldest first.")


class RetentionDaySerializer(serializers.Serializer):
    day = serializers.IntegerField(help_text="Days after joining: 0, 1, 3, 7.")
    count = serializers.IntegerField(help_text="Users of the cohort active that day.")
    cohort = serializers.IntegerField(help_text="Users who joined in the last 30 days and are that many days old.")
    percent = serializers.FloatField()


class ChallengeSerializer(serializers.Serializer):
    funnel = RetentionDaySerializer(many=True)
    d7_completion_rate = serializers.FloatField()


class StepReachSerializer(serializers.Serializer):
    step = serializers.IntegerField()
    users = serializers.IntegerField()
    percent = serializers.FloatField(help_text="Of the users who completed step 1.")


class PlanFunnelSerializer(serializers.Serializer):
    plan_id = serializers.IntegerField()
    title = serializers.CharField()
    steps = StepReachSerializer(many=True)
    started = serializers.IntegerField()
    completed = serializers.IntegerField()
    completion_percent = serializers.FloatField()


class StepKindCompletionSerializer(serializers.Serializer):
    clear = serializers.FloatField()
    watch = serializers.FloatField()
    reinforce = serializers.FloatField()


class SignalsSerializer(serializers.Serializer):
    blocks = serializers.IntegerField()
    watches_full = serializers.IntegerField()
    likes = serializers.IntegerField()
    follows = serializers.IntegerField()
    shares = serializers.IntegerField()


class PlansMetricsSerializer(serializers.Serializer):
    plans = PlanFunnelSerializer(many=True, help_text="The most completed plans of the last 7 days.")
    most_completed = PlanFunnelSerializer(many=True)
    least_completed = PlanFunnelSerializer(many=True)
    step_completion = StepKindCompletionSerializer()
    avg_duration_seconds = serializers.IntegerField()
    signals = SignalsSerializer()


class SystemSerializer(serializers.Serializer):
    requests_last_hour = serializers.IntegerField()
    requests_per_minute = serializers.FloatField()
    errors_last_hour = serializers.IntegerField()
    error_rate_percent = serializers.FloatField()
    api_latency_p95_ms = serializers.FloatField(allow_null=True)
    ai_cost_today_usd = serializers.FloatField()
    status = serializers.ChoiceField(choices=["operational", "degraded", "outage"])
    counters = serializers.CharField()
