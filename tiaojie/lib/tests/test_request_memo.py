"""The calendar's and rules' revisions are reused inside one request only (lib/request_memo.py)."""

import threading

from tiaojie.lib.request_memo import forget, per_request, request_scope


def counter():
    """A loader that answers 1, 2, 3 … on successive loads."""
    calls = []

    def load():
        calls.append(1)
        return len(calls)

    return load


def test_outside_a_request_every_read_loads_so_another_process_edit_is_seen_at_once():
    load = counter()
    assert [per_request("x", load) for _ in range(3)] == [1, 2, 3]


def test_inside_a_request_the_first_read_is_reused_until_forgotten_and_gone_after_it():
    load = counter()
    with request_scope():
        assert [per_request("x", load) for _ in range(3)] == [1, 1, 1]
        forget("x")  # the request itself changed the value
        assert per_request("x", load) == 2
    assert per_request("x", load) == 3


def test_another_thread_serving_another_request_keeps_its_own_value():
    load = counter()
    seen = []
    with request_scope():
        per_request("x", load)
        thread = threading.Thread(target=lambda: seen.append(per_request("x", load)))
        thread.start()
        thread.join()
    assert seen == [2]  # not the first thread's 1: that thread is outside any request
