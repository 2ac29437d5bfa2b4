"""Sphinx extension: the notebooks' kernels talk to the build over IPC, not TCP.

The build executes every notebook in a Jupyter kernel. By default jupyter_client
connects to a kernel over TCP on the loopback interface, without encryption, and
ipykernel says so on stderr for every kernel it starts ("Kernel is running over TCP
without encryption..."): a dozen lines of noise that would hide a real warning. On
POSIX systems this extension makes new kernels use IPC transport (Unix domain
sockets in a private temporary folder) instead: nothing crosses the network stack,
so the kernel has nothing to warn about. Every other message is left alone.
"""

import os
import tempfile
import uuid
from pathlib import Path

from jupyter_client.manager import KernelManager


def use_ipc_transport():
    """Make every KernelManager created from now on use IPC, with its sockets in a private folder."""
    if os.name != "posix":
        return  # IPC transport needs Unix domain sockets
    folder = Path(tempfile.mkdtemp(prefix="gru-course-kernels-"))
    KernelManager.class_traits()["transport"].default_value = "ipc"  # inherited by every subclass

    def private_socket_path(manager):
        # absolute (a kernel runs in the notebook's folder, the build elsewhere), one per kernel
        return str(folder / f"kernel-{uuid.uuid4().hex}")

    managers, pending = [], [KernelManager]
    while pending:  # the class and every subclass (nbclient uses AsyncKernelManager)
        managers.append(pending.pop())
        pending += managers[-1].__subclasses__()
    for manager in managers:
        manager._all_trait_default_generators["ip"] = private_socket_path


def setup(app):
    use_ipc_transport()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
