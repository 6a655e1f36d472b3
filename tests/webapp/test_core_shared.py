"""Helpers the apps share from ``webapp.core``: comma-separated input, read-only serializers."""
from __future__ import annotations

import pytest
from django import forms

from webapp.accounts.api import MeSerializer
from webapp.core.forms import CommaSeparatedField, comma_separated


def test_comma_separated_strips_items_and_drops_blank_ones() -> None:
    assert comma_separated(" fight, no_fight ,,  , fall") == ["fight", "no_fight", "fall"]
    assert comma_separated(" , ") == []


def test_comma_separated_field_checks_the_text_then_gives_the_items() -> None:
    field = CommaSeparatedField(max_length=12)
    assert field.clean("a, b,,c") == ["a", "b", "c"]
    with pytest.raises(forms.ValidationError):
        field.clean("")  # required, as the text
    with pytest.raises(forms.ValidationError):
        field.clean("abcdef, ghijkl")  # 14 characters of text
    assert CommaSeparatedField(required=False).clean("") == []


def test_read_only_model_serializer_takes_nothing_from_input() -> None:
    serializer = MeSerializer(data={"username": "mallory", "is_staff": True, "id": 7})
    assert all(field.read_only for field in serializer.fields.values())
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data == {}
