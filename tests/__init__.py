"""The test suite. `make test-fast` sets FACTCHECK_TESTS_WITHOUT_TORCH: its tests run on the fake
encoder, and thinc (under spaCy) would otherwise import torch for nothing, 2 s of every test
process; with it set, any import of torch fails at once."""

import os
import sys

if os.environ.get("FACTCHECK_TESTS_WITHOUT_TORCH"):
    sys.modules.setdefault("torch", None)  # type: ignore[arg-type]
