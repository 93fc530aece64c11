"""The audit trail: who read or changed which patient's data (record, decorator, API and
admin mixins, the trail's pages)."""
