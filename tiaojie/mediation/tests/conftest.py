import pytest


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (SMS, the case_changed follow-ups) as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
