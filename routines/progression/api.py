"""A step's progression rule in JSON: /api/v1/routines/<id>/steps/<id>/progression/.

GET reads the rule with its eight-week preview (404 when the step has none), PUT creates
or replaces it, PATCH changes some fields, DELETE removes it. Another clinic's step answers
404, a built-in's 403 on a change. Writes go through routines.progression.services.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView, get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.api import fields
from clinic.api.permissions import IsStaffMember
from routines.library.api import ensure_own, staff_clinic
from routines.models import HOLD_SECONDS_MAX, RoutineStep

from . import arithmetic
from .models import Cadence, Field, Mode, ProgressionRule
from .selectors import steps_for_clinic
from .services import progression_rule_delete, progression_rule_save

ID_MAX = 2**63 - 1


class PreviewWeekSerializer(serializers.Serializer):
    week = fields.IntegerField(help_text="1 is the plan's first week.")
    value = fields.IntegerField()


class ProgressionRuleSerializer(serializers.ModelSerializer):
    frozen = fields.BooleanField(
        help_text="Hold the value from the day it was frozen.", required=False
    )
    preview = serializers.SerializerMethodField(
        help_text="The next eight weeks' values, assuming every gate passes."
    )

    class Meta:
        model = ProgressionRule
        fields = [
            "field",
            "mode",
            "amount",
            "cadence",
            "every",
            "ceiling",
            "step_back_after_pain",
            "manual_value",
            "frozen",
            "frozen_on",
            "preview",
            "updated_at",
        ]
        read_only_fields = ["frozen_on", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["frozen"] = instance.frozen_on is not None
        return data

    def get_preview(self, instance) -> list[dict]:
        return preview_rows(instance)


class ProgressionRuleInputSerializer(serializers.Serializer):
    field = fields.ChoiceField(choices=Field.choices)
    mode = fields.ChoiceField(choices=Mode.choices, required=False)
    amount = fields.IntegerField(min_value=1, max_value=HOLD_SECONDS_MAX)
    cadence = fields.ChoiceField(choices=Cadence.choices, required=False)
    every = fields.IntegerField(min_value=1, max_value=52, required=False)
    ceiling = fields.IntegerField(min_value=1, max_value=HOLD_SECONDS_MAX)
    step_back_after_pain = fields.BooleanField(required=False)
    manual_value = fields.IntegerField(
        min_value=1, max_value=HOLD_SECONDS_MAX, allow_null=True, required=False
    )
    frozen = fields.BooleanField(required=False)


def preview_rows(rule: ProgressionRule) -> list[dict]:
    weeks = arithmetic.preview(rule.as_rule(), rule.base_value(), timezone.localdate())
    return [{"week": index + 1, "value": week.value} for index, week in enumerate(weeks)]


class StepProgressionView(GenericAPIView):
    """One step's progression rule."""

    permission_classes = [IsStaffMember]
    serializer_class = ProgressionRuleSerializer
    queryset = ProgressionRule.objects.none()  # for the schema; _step() scopes

    def _step(self) -> RoutineStep:
        ids = (self.kwargs["routine_id"], self.kwargs["step_id"])
        if max(ids) > ID_MAX:  # no such row, and more than the database's integers hold
            raise exceptions.NotFound()
        steps = steps_for_clinic(clinic=staff_clinic(self.request))
        return get_object_or_404(
            steps, id=self.kwargs["step_id"], routine_id=self.kwargs["routine_id"]
        )

    def _rule(self, step: RoutineStep) -> ProgressionRule:
        try:
            return step.progression
        except ProgressionRule.DoesNotExist:
            raise exceptions.NotFound() from None

    def get_object(self) -> ProgressionRule:
        return self._rule(self._step())

    def get(self, request: Request, routine_id: int, step_id: int) -> Response:
        return Response(ProgressionRuleSerializer(self.get_object()).data)

    @extend_schema(request=ProgressionRuleInputSerializer, responses=ProgressionRuleSerializer)
    def put(self, request: Request, routine_id: int, step_id: int) -> Response:
        return self._save(request, partial=False)

    @extend_schema(request=ProgressionRuleInputSerializer, responses=ProgressionRuleSerializer)
    def patch(self, request: Request, routine_id: int, step_id: int) -> Response:
        return self._save(request, partial=True)

    def _save(self, request: Request, *, partial: bool) -> Response:
        step = self._step()
        ensure_own(step.routine)
        if partial:
            self._rule(step)
        payload = ProgressionRuleInputSerializer(data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        values = dict(payload.validated_data)
        created = not ProgressionRule.objects.filter(step=step).exists()
        rule = progression_rule_save(step=step, frozen=values.pop("frozen", None), **values)
        return Response(
            ProgressionRuleSerializer(rule).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def delete(self, request: Request, routine_id: int, step_id: int) -> Response:
        step = self._step()
        ensure_own(step.routine)
        progression_rule_delete(rule=self._rule(step))
        return Response(status=status.HTTP_204_NO_CONTENT)
