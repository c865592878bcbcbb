"""An e-mail backend for the fault runs: each message a file in ``FAULT_MAIL_DIR``.

If the folder holds a file ``hold`` with a number N, the backend stalls, as a mail server that
stops answering, when asked to send a message once N are written: the test kills the worker
there, between two recipients, with N sent and recorded.
"""

import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, messages):
        folder = Path(os.environ["FAULT_MAIL_DIR"])
        for message in messages:
            hold = folder / "hold"
            while hold.exists() and len(list(folder.glob("*.eml"))) >= int(hold.read_text()):
                time.sleep(0.05)  # stalled until the worker is killed or the hold lifted
            name = f"{time.time_ns()}-{os.getpid()}"
            part = folder / f"{name}.part"
            part.write_bytes(message.message().as_bytes())
            part.rename(folder / f"{name}.eml")
        return len(messages)
