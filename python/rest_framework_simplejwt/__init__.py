"""JSON Web Token authentication for Django REST framework, with a Rust engine.

A drop-in replacement for ``djangorestframework-simplejwt``: the same import
paths, settings, views, serializers and blacklist tables.
"""

from importlib.metadata import PackageNotFoundError, version

# The install guard (_simplejwt_rs_guard) tells our __init__.py from
# upstream's by this exact line.
_DISTRIBUTION = "djangorestframework-simplejwt-rs"

try:
    __version__ = version(_DISTRIBUTION)
except PackageNotFoundError:
    # Imported from a source tree that was never installed.
    __version__ = None
