from __future__ import annotations

from dataclasses import replace

import pytest

from chinatech.config import Settings, available_cpus, load_settings, parse_settings
from chinatech.errors import ConfigError

from .conftest import ROOT


def test_shipped_config_equals_defaults_but_uses_every_cpu():
    shipped = load_settings(ROOT / "config.yaml")
    assert shipped == replace(Settings(), n_process=available_cpus())


def test_n_process_auto_is_the_available_cpus():
    assert parse_settings("n_process: auto\n").n_process == available_cpus() >= 1


def test_values_are_read():
    s = parse_settings("model: my_model\nbatch_size: 4\ncompanies:\n  - {name: Foo Robotics}\n")
    assert (s.model, s.batch_size, s.companies) == ("my_model", 4, ({"name": "Foo Robotics"},))


@pytest.mark.parametrize("text,message", [
    ("modle: x\n", "line 1: unknown key 'modle'"),
    ("model: x\nbatch_size: many\n", "line 2: 'batch_size' must be an integer"),
    ("n_process: 0\n", "'n_process' must be at least 1"),
    ("n_process: all\n", "'n_process' must be an integer or 'auto'"),
    ("companies: {name: x}\n", "'companies' must be a list"),
    ("companies:\n  - {aliases: [x]}\n", "needs a 'name'"),
    ("model: [unclosed\n", "line 2"),
    ("- just\n- a list\n", "expected a mapping"),
])
def test_bad_config_names_key_and_line(text, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("(", r"\(")):
        parse_settings(text, source="c.yaml")


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.yaml")
