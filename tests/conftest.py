"""Fixtures shared across the test packages."""
from pathlib import Path

import pytest

NLU_DIR = Path(__file__).resolve().parents[1] / "data" / "nlu"


@pytest.fixture(scope="session")
def training_examples():
    """(file name, intent, text) of every NLU training example in data/nlu/, read once."""
    from rasa.shared.nlu.training_data.loading import load_data

    return [(path.name, message.get("intent"), message.get("text"))
            for path in sorted(NLU_DIR.glob("*.yml"))
            for message in load_data(str(path)).intent_examples]
