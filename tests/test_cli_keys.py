"""`hub keys` and `hub forget` as an operator runs them (in-process, on the embedded store)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from typer.testing import CliRunner

from hub.access.keys import ApiKeys
from hub.access.roles import Role
from hub.domain import Actor, ActorKind, AuditEntry, Erasure
from hub.reference import ensure_reference_data
from hub.store.ladybug_store import LadybugStore
from hub.store.port import NodeQuery

runner = CliRunner()


def cli(*args: str, data: Path) -> tuple[int, str]:
    from hub.cli import app

    result = runner.invoke(app, [*args, "--data-dir", str(data)])
    return result.exit_code, result.output


async def _in_store(data: Path, work):  # type: ignore[no-untyped-def]
    store = LadybugStore(data / "graph.lbdb")
    await store.open()
    try:
        return await work(store)
    finally:
        await store.close()


def in_store(data: Path, work):  # type: ignore[no-untyped-def]
    return asyncio.run(_in_store(data, work))


def test_keys_are_issued_listed_checked_and_revoked(tmp_path: Path) -> None:
    in_store(tmp_path, ensure_reference_data)
    code, output = cli(
        "keys",
        "create",
        "--name",
        "Koordination Rostock",
        "--role",
        "coordinator",
        "--space",
        "diz-rostock",
        data=tmp_path,
    )
    assert code == 0, output
    token = output.strip().splitlines()[-1]
    assert token.startswith("hub_")
    principal = in_store(tmp_path, lambda store: ApiKeys(store).authenticate(token))
    assert (principal.role, principal.space_id, principal.key_name) == (
        Role.COORDINATOR,
        "diz-rostock",
        "Koordination Rostock",
    )

    code, output = cli("keys", "list", data=tmp_path)
    assert code == 0 and principal.key_id in output and "Koordination Rostock" in output
    assert token.split("_", 2)[2] not in output, "a secret is shown once, at creation"

    code, output = cli("keys", "revoke", principal.key_id or "", data=tmp_path)
    assert code == 0, output
    keys = in_store(tmp_path, lambda store: ApiKeys(store).list())
    assert keys[0].revoked_at is not None


def test_keys_refuse_what_makes_no_sense(tmp_path: Path) -> None:
    in_store(tmp_path, ensure_reference_data)
    assert cli("keys", "create", "--name", "x", "--role", "emperor", data=tmp_path)[0] == 2
    code, output = cli("keys", "create", "--name", "x", "--role", "coordinator", data=tmp_path)
    assert code == 2 and "needs --space" in output
    code, output = cli("keys", "create", "--name", "x", "--role", "coordinator", "--space", "atlantis", data=tmp_path)
    assert code == 2 and "unknown centre 'atlantis'" in output
    code, output = cli("keys", "revoke", "000000000000", data=tmp_path)
    assert code == 1 and "no key" in output


def test_forget_removes_a_person_and_records_only_the_removal(tmp_path: Path) -> None:
    async def seed(store: LadybugStore) -> None:
        await store.upsert_nodes(
            [
                Actor(id="erika-muster", name="Erika Muster", kind=ActorKind.PERSON, email="erika@example.org"),
                Actor(id="verein", name="Verein Nord e.V.", aliases=["Erika Muster"]),
            ]
        )

    in_store(tmp_path, seed)
    code, output = cli("forget", "verein", "--yes", data=tmp_path)
    assert code == 1 and "not a person" in output
    code, output = cli("forget", "erika-muster", "--yes", data=tmp_path)
    assert code == 0, output

    async def check(store: LadybugStore) -> None:
        actors = await store.get_nodes(Actor, ["erika-muster", "verein"])
        assert list(actors) == ["verein"] and actors["verein"].aliases == []
        (erasure,) = (await store.list_nodes(Erasure, NodeQuery())).items
        (entry,) = (await store.list_nodes(AuditEntry, NodeQuery())).items
        assert (entry.action, entry.who, entry.target) == ("forget_person", "cli", f"Erasure:{erasure.id}")
        assert "Erika" not in entry.model_dump_json() + erasure.model_dump_json()

    in_store(tmp_path, check)
