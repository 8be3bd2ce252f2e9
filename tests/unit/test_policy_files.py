"""Policy files: the shipped ones load, and a bad one is refused naming the key."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from lastgate.kernel.errors import InvalidPolicy
from lastgate.kernel.policy import EligibilityPolicy, RetentionPolicy, WorkflowPolicy
from lastgate.platform.policy_files import (
    DEFAULT_JURISDICTION,
    SHIPPED_POLICIES,
    PolicyDirectory,
    load_policy,
)

HEADER = 'jurisdiction = "{code}"\nname = "Test {code}"\n'


def write(folder: Path, name: str, body: str = "", *, code: str | None = None) -> Path:
    path = folder / name
    header = HEADER.format(code=code) if code else ""
    path.write_text(header + body, encoding="utf-8")
    return path


def refusal(path: Path) -> InvalidPolicy:
    with pytest.raises(InvalidPolicy) as caught:
        load_policy(path)
    return caught.value


def refused_paths(path: Path) -> list[str]:
    return [d["path"] for d in refusal(path).details]


def test_shipped_policies_load() -> None:
    policies = PolicyDirectory.load()

    assert set(policies.policies) >= {"DEFAULT", "EU", "US"}


def test_shipped_policies_include_default() -> None:
    assert DEFAULT_JURISDICTION in PolicyDirectory.load().policies


def test_shipped_default_file_states_the_model_defaults() -> None:
    # docs/policy.md documents one set of defaults; the file and the code must agree.
    default = load_policy(SHIPPED_POLICIES / "default.toml")

    assert (default.eligibility, default.workflow, default.retention) == (
        EligibilityPolicy(),
        WorkflowPolicy(),
        RetentionPolicy(),
    )


def test_the_shipped_folder_is_used_when_none_is_given() -> None:
    assert PolicyDirectory.load(None) == PolicyDirectory.load(SHIPPED_POLICIES)


def test_omitted_keys_take_their_defaults(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, "xx.toml", code="XX"))

    assert policy.eligibility == EligibilityPolicy()


def test_a_negative_dust_tolerance_is_refused_naming_the_key(tmp_path: Path) -> None:
    path = write(tmp_path, "xx.toml", '[eligibility]\ndust_tolerance_usd = "-1"\n', code="XX")

    assert refused_paths(path) == ["eligibility.dust_tolerance_usd"]


def test_an_unknown_key_is_refused_naming_the_key(tmp_path: Path) -> None:
    path = write(tmp_path, "xx.toml", "[workflow]\ncooling_of_days = 14\n", code="XX")

    assert refused_paths(path) == ["workflow.cooling_of_days"]


def test_an_unknown_section_is_refused_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path, "xx.toml", "[eligibilty]\nsecurity_cooldown_days = 7\n", code="XX")

    assert refused_paths(path) == ["eligibilty"]


def test_a_value_of_the_wrong_type_is_refused_naming_the_key(tmp_path: Path) -> None:
    body = '[eligibility]\nsecurity_cooldown_days = "a week"\n'

    assert refused_paths(write(tmp_path, "xx.toml", body, code="XX")) == [
        "eligibility.security_cooldown_days"
    ]


def test_a_fractional_number_of_days_is_refused(tmp_path: Path) -> None:
    body = "[workflow]\ncooling_off_days = 14.5\n"

    assert refused_paths(write(tmp_path, "xx.toml", body, code="XX")) == [
        "workflow.cooling_off_days"
    ]


def test_a_section_given_as_a_value_is_refused_naming_it(tmp_path: Path) -> None:
    assert refused_paths(write(tmp_path, "xx.toml", "retention = 5\n", code="XX")) == ["retention"]


@pytest.mark.parametrize("code", ["eu", "E", "E1", "EUROPEANUNION", "E U"])
def test_a_bad_jurisdiction_code_is_refused(tmp_path: Path, code: str) -> None:
    path = write(tmp_path, "xx.toml", f'jurisdiction = "{code}"\nname = "Bad"\n')

    assert refused_paths(path) == ["jurisdiction"]


def test_a_missing_jurisdiction_is_refused(tmp_path: Path) -> None:
    assert refused_paths(write(tmp_path, "xx.toml", 'name = "No code"\n')) == ["jurisdiction"]


def test_every_error_in_a_file_is_reported_together(tmp_path: Path) -> None:
    body = '[eligibility]\ndust_tolerance_usd = "-1"\n[retention]\naml_records_years = -5\n'

    paths = refused_paths(write(tmp_path, "xx.toml", body, code="XX"))

    assert paths == ["eligibility.dust_tolerance_usd", "retention.aml_records_years"]


def test_a_refusal_message_names_the_file_and_the_key(tmp_path: Path) -> None:
    path = write(tmp_path, "xx.toml", '[eligibility]\ndust_tolerance_usd = "-1"\n', code="XX")

    message = str(refusal(path))

    assert str(path) in message and "eligibility.dust_tolerance_usd" in message


def test_invalid_toml_is_refused_with_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "xx.toml", "[eligibility\ndust_tolerance_usd = 1\n", code="XX")

    message = str(refusal(path))

    assert str(path) in message and "not valid TOML" in message and "line 3" in message


def test_a_toml_float_is_read_as_an_exact_decimal(tmp_path: Path) -> None:
    path = write(tmp_path, "xx.toml", "[eligibility]\ndust_tolerance_usd = 0.1\n", code="XX")

    assert load_policy(path).eligibility.dust_tolerance_usd == Decimal("0.1")


def test_a_folder_without_default_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "eu.toml", code="EU")

    with pytest.raises(InvalidPolicy, match="DEFAULT"):
        PolicyDirectory.load(tmp_path)


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidPolicy, match="not a folder"):
        PolicyDirectory.load(tmp_path / "nowhere")


def test_a_jurisdiction_defined_twice_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "default.toml", code="DEFAULT")
    write(tmp_path, "eu.toml", code="EU")
    write(tmp_path, "eu-copy.toml", code="EU")

    with pytest.raises(InvalidPolicy, match="EU defined twice"):
        PolicyDirectory.load(tmp_path)


def test_a_bad_file_in_the_folder_refuses_the_folder(tmp_path: Path) -> None:
    write(tmp_path, "default.toml", code="DEFAULT")
    write(tmp_path, "eu.toml", "[workflow]\ncooling_off_days = -1\n", code="EU")

    with pytest.raises(InvalidPolicy, match=r"eu\.toml"):
        PolicyDirectory.load(tmp_path)


def test_files_not_ending_in_toml_are_ignored(tmp_path: Path) -> None:
    write(tmp_path, "default.toml", code="DEFAULT")
    write(tmp_path, "eu.toml.bak", "not toml at all [", code="EU")

    assert set(PolicyDirectory.load(tmp_path).policies) == {"DEFAULT"}


def test_an_unknown_jurisdiction_falls_back_to_default(tmp_path: Path) -> None:
    write(tmp_path, "default.toml", "[workflow]\ncooling_off_days = 3\n", code="DEFAULT")
    write(tmp_path, "eu.toml", code="EU")

    policy = PolicyDirectory.load(tmp_path).for_jurisdiction("BR")

    assert (policy.jurisdiction, policy.workflow.cooling_off_days) == ("DEFAULT", 3)


def test_a_jurisdiction_is_found_whatever_its_case() -> None:
    assert PolicyDirectory.load().for_jurisdiction("eu").jurisdiction == "EU"


def test_a_folder_replaces_the_shipped_policies_entirely(tmp_path: Path) -> None:
    write(tmp_path, "default.toml", code="DEFAULT")

    policies = PolicyDirectory.load(tmp_path)

    assert policies.for_jurisdiction("EU").jurisdiction == "DEFAULT"


def test_longest_withdrawal_window_spans_every_jurisdiction(tmp_path: Path) -> None:
    write(tmp_path, "default.toml", code="DEFAULT")
    write(tmp_path, "us.toml", "[eligibility]\nwithdrawal_review_window_days = 90\n", code="US")

    assert PolicyDirectory.load(tmp_path).longest_withdrawal_window_days == 90


@pytest.mark.parametrize("value", ["true", '"7"'])
def test_days_must_be_a_whole_number_not_a_boolean_or_a_string(tmp_path: Path, value: str) -> None:
    body = f"[eligibility]\nsecurity_cooldown_days = {value}\n"
    assert refused_paths(write(tmp_path, "xx.toml", body, code="XX")) == [
        "eligibility.security_cooldown_days"
    ]
