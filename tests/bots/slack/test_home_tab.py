"""The App Home tab end to end: a signed app_home_opened event publishes the workspace's watches and
results; its buttons (stop watching, re-run, export PDF) act, answer in the DM and refresh the tab.
Permissions are the app's (test_slack_app.PERMS: only UBOSS may watch and export in T1)."""
from __future__ import annotations

import json
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest

from bots.slack.home import HOME_EXPORT, HOME_OPEN, HOME_RERUN, HOME_UNWATCH, sparkline
from bots.slack.work import WorkQueue
from memory.owner import Owner
from memory.settings import Settings
from memory.watches import get_watches
from tests.bots.slack.recorder import SlackRecorder
from tests.bots.slack.test_slack_app import FakeAgent, agent, chart, recorder, signed, slack_server  # noqa: F401  - fixtures
from tests.dashboard_data import seed


@pytest.fixture
def home(settings: Settings, recorder: SlackRecorder, agent: FakeAgent) -> Iterator[tuple[str, list[str]]]:
    ids = seed(settings, Owner.slack("T1"), results=2)
    seed(settings, Owner.slack("T2"), subject="delta", display="Delta", results=1)
    with slack_server(settings, recorder, agent, WorkQueue(workers=2)) as (base, _door):
        yield base, ids


def opened(base: str, user: str = "UBOSS", tab: str = "home") -> httpx.Response:
    body = json.dumps({"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": f"Ev{time.monotonic_ns()}", "event_time": int(time.time()),
                       "event": {"type": "app_home_opened", "user": user, "channel": "D1", "tab": tab, "event_ts": "1700000000.1"}})
    return httpx.post(f"{base}/slack/events", content=body, headers=signed(body, content_type="application/json"), timeout=5)


def click(base: str, action_id: str, value: str, user: str = "UBOSS") -> httpx.Response:
    payload = {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": user, "team_id": "T1"}, "api_app_id": "A1", "trigger_id": "tr",
               "container": {"type": "view", "view_id": "V1"}, "view": {"id": "V1", "type": "home"},
               "actions": [{"type": "button", "action_id": f"{action_id}_{value}", "value": value, "block_id": "b", "action_ts": "1"}]}
    body = urlencode({"payload": json.dumps(payload)})
    return httpx.post(f"{base}/slack/events", content=body, headers=signed(body), timeout=5)


def published(recorder: SlackRecorder, count: int = 1) -> dict:
    call = recorder.wait_for("views.publish", count, timeout=30)[count - 1]  # a re-run loads its tool first
    view = call["view"] if isinstance(call["view"], dict) else json.loads(call["view"])
    return view


def test_opening_home_publishes_this_workspaces_watches_and_results(home: tuple[str, list[str]], recorder: SlackRecorder) -> None:
    base, ids = home
    assert opened(base).status_code == 200
    call = recorder.wait_for("views.publish")[0]
    view = published(recorder)
    text = json.dumps(view, ensure_ascii=False)
    assert call["user_id"] == "UBOSS" and view["type"] == "home"
    assert "Stanley" in text and "72" in text and sparkline([40, 48, 55, 63, 72]) in text and "Hype: Stanley" in text and "alert above 70" in text and "Stanley weekly hype" in text and "every Monday at 09:00" in text
    assert all(i in text for i in ids) and "Delta" not in text  # another workspace's watch never shows
    assert opened(base, tab="messages").status_code == 200
    time.sleep(0.3)
    assert len(recorder.of("views.publish")) == 1  # the Messages tab is the DM: nothing to publish


def test_stop_watching_removes_the_watch_and_refreshes_home(home: tuple[str, list[str]], recorder: SlackRecorder, settings: Settings) -> None:
    base, _ids = home
    watch = get_watches(settings, Owner.slack("T1"))[0]
    assert click(base, HOME_UNWATCH, str(watch.id), user="U1").status_code == 200  # not allowed to manage watches
    assert "permission" in recorder.wait_for("chat.postMessage")[0]["text"]
    assert get_watches(settings, Owner.slack("T1")) and recorder.of("views.publish") == []
    assert click(base, HOME_UNWATCH, str(watch.id)).status_code == 200
    view = published(recorder)
    assert get_watches(settings, Owner.slack("T1")) == [] and "No watches yet" in json.dumps(view)
    assert get_watches(settings, Owner.slack("T2"))  # the other workspace's watch is untouched


def test_rerun_answers_in_the_dm_and_refreshes_home(home: tuple[str, list[str]], recorder: SlackRecorder) -> None:
    base, ids = home
    assert click(base, HOME_OPEN, ids[0]).status_code == 200  # a link button: acked, nothing else
    assert click(base, HOME_RERUN, "hype_score-unknown").status_code == 200
    assert "can't find" in recorder.wait_for("chat.postMessage")[0]["text"]
    assert click(base, HOME_RERUN, ids[0]).status_code == 200
    published(recorder, 2)
    working = recorder.wait_for("chat.postMessage", 2)[1]
    assert working["channel"] == "DUBOSS" and "re-run hype_score" in working["text"]
    answer = recorder.wait_for("chat.update")[-1]
    assert answer["channel"] == "DUBOSS"


def test_export_pdf_uploads_the_file_to_the_dm(home: tuple[str, list[str]], recorder: SlackRecorder) -> None:
    base, ids = home
    assert click(base, HOME_EXPORT, ids[0]).status_code == 200
    done = recorder.wait_for("files.completeUploadExternal", timeout=30)[0]
    assert done["channel_id"] == "DUBOSS"
    assert any(body.startswith(b"%PDF") for body in recorder.uploads.values())
    assert click(base, HOME_EXPORT, ids[0], user="U1").status_code == 200
    assert any("permission" in m["text"] for m in recorder.wait_for("chat.postMessage", 2))
