"""Every text in the code and templates has an Indonesian translation, with matching placeholders."""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def extracted(tmp_path) -> set:
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "N_", "-k", "N_plural:1,2", "--ignore-dirs", ".* node_modules",
                    "-o", str(pot), "--no-location", "."],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def catalogue(language: str):
    with (ROOT / "planner" / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def test_every_message_has_an_indonesian_translation(tmp_path):
    wanted = extracted(tmp_path)
    indonesian = catalogue("id")
    missing = sorted(str(m) for m in wanted
                     if indonesian.get(m) is None or not indonesian.get(m).string
                     or indonesian.get(m).fuzzy)
    assert missing == [], f"{len(missing)} messages without Indonesian: {missing[:10]}"


def test_placeholders_match_in_the_indonesian_catalogue():
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalogue("id").check()]
    assert problems == []
