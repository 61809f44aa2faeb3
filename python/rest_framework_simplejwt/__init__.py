"""JSON Web Token authentication for Django REST framework, with a Rust engine.

A drop-in replacement for ``djangorestframework-simplejwt``: the same import
paths, settings, views, serializers and blacklist tables.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("djangorestframework-simplejwt-rs")
except PackageNotFoundError:
    # Imported from a source tree that was never installed.
    __version__ = None
