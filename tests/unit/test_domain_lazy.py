"""domain/__init__ loads model.py on first use, then serves its names as its own."""

from __future__ import annotations

import subprocess
import sys


def test_the_model_loads_once_and_its_names_become_the_packages_own():
    probe = (
        "import kara_tui.domain as d, sys\n"
        "assert 'kara_tui.domain.model' not in sys.modules\n"
        "first = d.ExternalEvent\n"
        "assert 'kara_tui.domain.model' in sys.modules\n"
        # Later lookups must not go through __getattr__ again (an import_module per
        # lookup cost the calendar ~1 ms a week: it reads a name per event).
        "assert vars(d)['ExternalEvent'] is first and vars(d)['Session'] is d.Session\n"
        "assert vars(d)['Money'] is __import__('kara_tui.domain.money').domain.money.Money\n"
        "assert 'Session' in d.__all__ and 'Money' in d.__all__\n"
        "try:\n    d.NoSuchThing\nexcept AttributeError:\n    pass\nelse:\n    raise SystemExit(1)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
