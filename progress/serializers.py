from rest_framework import serializers


class StepCompletionSerializer(serializers.Serializer):
    step_id = serializers.IntegerField()
    completed = serializers.BooleanField()
    completed_at = serializers.DateTimeField(allow_null=True)


class TodayProgressSerializer(serializers.Serializer):
    completed = serializers.IntegerField(help_text="Steps completed today.")
    total = serializers.IntegerField(help_text="Steps in the plans worked on today.")


class ProgressSummarySerializer(serializers.Serializer):
    completed_steps = serializers.IntegerField()
    today = TodayProgressSerializer()
    current_streak = serializers.IntegerField()
    longest_streak = serializers.IntegerField()
    last_active_date = serializers.DateField(allow_null=True)
