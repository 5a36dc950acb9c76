"""The playground's kernel manager: Jupyter's own, with a cap on how many kernels run at once."""
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Int

from .playground_server import MAX_KERNELS


class CappedKernelManager(AsyncMappingKernelManager):
    "Jupyter's kernel manager, refusing to start more than max_kernels kernels at once."
    max_kernels = Int(MAX_KERNELS, config=True, help='How many kernels may run at once.')

    async def start_kernel(self, *args, **kwargs):
        if len(self.list_kernel_ids()) >= self.max_kernels:
            raise web.HTTPError(503, f'the playground already runs {self.max_kernels} pages at once: '
                                     'close one, or try again in a few minutes')
        return await super().start_kernel(*args, **kwargs)
