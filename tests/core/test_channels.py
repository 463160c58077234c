"""One list of channels: the enum in core, the same values as the schema's CHECK constraints."""

from __future__ import annotations

import pytest

from croftpost.core.channels import CHANNELS, Channel, parse_channel
from croftpost.errors import BadInput
from croftpost.storage import schema


def test_core_and_the_schema_agree_on_the_channels():
    assert CHANNELS == schema.CHANNELS == ("facebook", "dojo")


def test_a_channel_is_its_value_and_has_its_words():
    assert parse_channel("dojo") is Channel.DOJO and Channel.DOJO == "dojo"
    assert Channel.FACEBOOK.place == "the school's Facebook page"
    assert Channel.DOJO.short_name == "Dojo"
    with pytest.raises(BadInput, match='Unknown channel "instagram"'):
        parse_channel("instagram")
