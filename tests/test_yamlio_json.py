"""YAML written in JSON form is read by the json module with exactly YAML's result."""

import pytest
import yaml

from gkcheck.engine.yamlio import read_yaml, read_yaml_nodes
from gkcheck.errors import ConfigError

CASES = [
    '{"units": [{"unit": "市民政局", "columns": [{"name": "通知公告", "url": "http://a/", "bodies": true}]}]}',
    '{"defaults": {"delay": 0.5, "max_pages": 5, "x": null, "big": 12345678901234567890}}',
    '[1, -2.50, "2024-06-01", "a\\u4e00b", {"k": [false, []]}]',
    '{"float_without_dot": 1e3, "unsigned_exponent": 1.5e3, "signed": 1.5e+3}',
    '{"a": 1,}',  # not JSON (trailing comma): read by YAML
    '  \n{"a": "x"}\n',
]


@pytest.mark.parametrize("text", CASES)
def test_json_form_reads_as_yaml_does(tmp_path, text):
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    assert read_yaml(path) == yaml.safe_load(text)
    assert read_yaml_nodes(path)[0] == yaml.safe_load(text)


def test_duplicate_key_in_json_form_names_the_key_and_line(tmp_path):
    path = tmp_path / "sites.yaml"
    path.write_text('{\n"units": [],\n"units": []\n}\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        read_yaml(path, ConfigError)
    text = err.value.render()
    assert "重复的键“units”" in text and "第3行" in text and "sites.yaml" in text


def test_nan_is_left_to_yaml(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text('{"a": NaN}', encoding="utf-8")
    assert read_yaml(path) == {"a": "NaN"}
