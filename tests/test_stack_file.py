"""The stack file itself: every malformed file `make plan` can be handed exits 2 with one line.

Each case goes through `offline.plan.main`, the function `make plan` runs: exit 2 (not 1, the internal
error a traceback would become), one stderr line naming the file once with its `file:line:column`, and
nothing on stdout. The top-level keys and the duplicate-key rule are Pulumi's
(tests/fixtures/pulumi_stack_file_keys.yaml, with their sources).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from offline import plan
from stacks import loader, stack_file
from tests.stack_fixtures import fixture_stack_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TOKEN = "ghp_" + "Zq8Xw2Lm4Nv6Bc1Rt7Yp3Hs9Kd5Fg0Ja2Ue4"

# (id, file content, where the error points, what the line says)
MALFORMED: list[tuple[str, bytes, str, str]] = [
    ("a top level that is a list", b"- config\n- x\n", ":1:1", "the top level must be a mapping"),
    ("a top level that is a string", b"just text\n", ":1:1", "found a string"),
    (
        "a file that is not UTF-8",
        b"config:\n  llm-platform:cloud: g\xffp\n",
        ":2:24",
        "not UTF-8 (byte 0xff)",
    ),
    ("a top-level key given twice", b"config: {}\nconfig: {}\n", ":2:1", "duplicate key 'config'"),
    (
        "a config key given twice",
        b"config:\n  llm-platform:cloud: gcp\n  llm-platform:cloud: aws\n",
        ":3:3",
        "duplicate key 'llm-platform:cloud' (first given on line 2)",
    ),
    (
        "a key given twice deep inside a list",
        b"config:\n  llm-platform:gpu:\n    pools:\n      - name: a\n        maxNodes: 1\n        name: b\n",
        ":6:9",
        "duplicate key 'name' (first given on line 4)",
    ),
    (
        "an unknown top-level key",
        b"configs:\n  llm-platform:cloud: gcp\n",
        ":1:1",
        "unknown top-level key 'configs'",
    ),
    ("a config that is a list", b"config:\n  - llm-platform:cloud\n", ":2:3", "`config` must be a mapping"),
    (
        "a YAML syntax error",
        b"config:\n  llm-platform:cloud: gcp: aws\n",
        ":2:26",
        "mapping values are not allowed",
    ),
    ("a tab for indentation", b"config:\n\tllm-platform:cloud: gcp\n", ":2:1", "found character '\\t'"),
    ("an unclosed quote", b'config:\n  llm-platform:cloud: "gcp\n', ":3:1", "found unexpected end of stream"),
    (
        "a list as a mapping key",
        b"config:\n  ? [a, b]\n  : 1\n",
        ":2:5",
        "a mapping key must be a plain value",
    ),
    (
        "a Python object tag",
        b"config: !!python/object/apply:os.system [id]\n",
        ":1:9",
        "could not determine a constructor",
    ),
    (
        "nesting deep enough to exhaust the parser",
        b"config: " + b"[" * 5000 + b"]" * 5000 + b"\n",
        "",
        "nested too deeply",
    ),
]


def _plan_file(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = plan.main([str(path)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("content", "where", "says"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED]
)
def test_each_malformed_stack_file_exits_2_with_one_line_naming_the_file_and_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, where: str, says: str
) -> None:
    path = tmp_path / "Pulumi.broken.yaml"
    path.write_bytes(content)
    code, out, err = _plan_file(path, capsys)
    assert code == 2, f"a malformed stack file is bad config (exit 2), not an internal error:\n{err}"
    assert out == "", "nothing is planned from a malformed file"
    assert err.count("\n") == 1, f"one line, not a traceback:\n{err}"
    assert err.startswith(f"error: {path}{where}: "), f"the line starts with file:line:column:\n{err}"
    assert says in err, f"the line says what is wrong ({says!r}):\n{err}"
    assert err.count(str(path)) == 1, "the file is named once"
    assert "<unicode string>" not in err and "Traceback" not in err


def test_a_directory_is_refused_with_one_line_whether_or_not_its_name_ends_in_yaml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for directory in (tmp_path / "Pulumi.dir.yaml", tmp_path / "stacks"):
        directory.mkdir()
        code, out, err = _plan_file(directory, capsys)
        assert code == 2 and out == ""
        assert err.startswith(f"error: {directory}: is a directory; give a stack name or a stack file")
        assert err.count("\n") == 1


def test_a_path_that_is_missing_dangling_or_not_yaml_is_refused_with_one_line_naming_it_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loop = tmp_path / "Pulumi.loop.yaml"
    loop.symlink_to(loop)
    text = tmp_path / "stack.txt"
    text.write_text("config: {}\n")
    for path, says in (
        (tmp_path / "Pulumi.missing.yaml", "no such file"),
        (loop, "is a symbolic link that does not resolve"),
        (text, "not a .yaml file"),
    ):
        code, out, err = _plan_file(path, capsys)
        assert code == 2 and out == ""
        assert err.startswith(f"error: {path}: {says}"), err
        assert err.count("\n") == 1 and err.count(str(path)) == 1, f"one line, the file named once:\n{err}"


def test_a_syntax_error_never_repeats_the_line_it_found_it_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "Pulumi.leaky.yaml"
    path.write_text(f'config:\n  llm-platform:gitops: "https://x:{TOKEN}@github.com/acme/p.git" tail\n')
    code, _, err = _plan_file(path, capsys)
    assert code == 2
    assert TOKEN not in err, (
        "PyYAML's snippet of the offending line is never printed: it can hold a credential"
    )


def test_a_token_pasted_as_a_config_key_is_not_echoed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "Pulumi.key.yaml"
    path.write_text(f"config:\n  {TOKEN}:x: 1\n")
    code, _, err = _plan_file(path, capsys)
    assert code == 2 and "unknown namespace" in err
    assert TOKEN not in err and "[redacted: a token]" in err


def test_the_top_level_keys_are_exactly_those_of_pulumis_stack_file() -> None:
    upstream = yaml.safe_load((FIXTURES / "pulumi_stack_file_keys.yaml").read_text())["keys"]
    assert sorted(stack_file.TOP_LEVEL_KEYS) == sorted(upstream), "allow exactly Pulumi's ProjectStack keys"


def test_a_stack_file_with_every_pulumi_top_level_key_is_read(tmp_path: Path) -> None:
    doc = yaml.safe_load(fixture_stack_file("gcp-serving").read_text())
    doc |= {
        "secretsprovider": "gcpkms://projects/p/locations/global/keyRings/r/cryptoKeys/k",
        "encryptedkey": "Y2lwaGVydGV4dA==",
        "encryptionsalt": "v1:c2FsdA==:v1:bm9uY2U=:Y2lwaGVy",
        "environment": ["acme/dev"],
        "mainEnvironment": "acme/dev",
    }
    path = tmp_path / "Pulumi.full-file.yaml"
    path.write_text(yaml.safe_dump(doc))
    assert loader.read_stack_file(path)["cloud"] == "gcp"


def test_merge_keys_are_not_mistaken_for_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.merge.yaml"
    path.write_text(
        "config:\n  llm-platform:gpu:\n    pools:\n"
        "      - &base {name: a, accelerator: nvidia-l4, maxNodes: 1}\n"
        "      - <<: *base\n        name: b\n"
    )
    pools = loader.read_stack_file(path)["gpu"]["pools"]
    assert [p["name"] for p in pools] == ["a", "b"], "an explicit key overrides a merged one, as in YAML 1.1"


def test_an_empty_file_reads_as_no_config_and_fails_validation_not_parsing(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.empty.yaml"
    path.write_text("# nothing yet\n")
    assert loader.read_stack_file(path) == {}


def test_an_error_line_is_always_file_colon_line_colon_column_when_yaml_knows_the_place(
    tmp_path: Path,
) -> None:
    path = tmp_path / "Pulumi.place.yaml"
    path.write_text("config:\n  a: 1\n  a: 2\n")
    with pytest.raises(loader.StackFileError) as caught:
        loader.read_stack_file(path)
    assert re.match(rf"{re.escape(str(path))}:3:3: ", str(caught.value))
