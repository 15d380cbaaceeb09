"""Make the emulated AWS start faster and smaller, without changing what it answers (chapter 00 on).

`install()` (called once by helpers.aws.backend when the lab starts moto) applies two
workarounds for the rest of the process. Each has a test in
tests/test_moto_speed.py that fails once moto or botocore change so that the
workaround is no longer needed, or no longer works -- then remove it here.

1. One parsed copy of botocore's data files per data path. Every botocore
   session builds its own loader, and each loader parses the service models'
   JSON again. moto's EC2 module alone makes four throw-away sessions when it is
   imported (`Session().get_available_regions("ec2")` three times, once more for
   its backends), each parsing the ~5 MB EC2 model; boto3's clients and the
   `%aws` commands parse it again. Workaround: `botocore.loaders.create_loader`
   returns one shared loader per data path (the data files never change while
   the kernel runs). Measured: moto's EC2 import 1.0 s -> 0.6 s, the first
   `%aws` command ~0.3 s less. moto's own loader (with its "moto-extras") is
   left alone: it changes the models it loads.

2. EC2 instance-type offerings loaded when a region asks for them. moto's
   `moto/ec2/models/instance_types.py` reads the offerings of every region
   (3 location types x ~30 regions) when it is imported: ~45 MB and ~0.4 s,
   for a lab that uses one region. Workaround: while that one module is
   imported, moto's `load_resource` skips the offerings files, and afterwards
   each location type's table loads a region's file the first time that region
   is looked up. Every region still answers exactly as before.

3. Event names and handler signatures worked out once per process. Every `aws` command
   runs a fresh CLI driver, whose new botocore session registers some 400 event
   handlers; each registration aliases the event name (per emitter, so with a cold
   cache every time) and inspects the handler's signature (`inspect.getfullargspec`).
   Both answers never change while the kernel runs. Workaround: the default alias
   table's cache is shared by every emitter, and `accepts_kwargs` remembers its answer
   per function. Measured (cProfile, `aws sts get-caller-identity` on the instance):
   107,000 -> 53,000 function calls per command.
"""

import importlib.abc
import importlib.machinery
import os
import sys
from pathlib import PurePosixPath

OFFERINGS_MODULE = "moto.ec2.models.instance_types"
OFFERINGS_FOLDER = "instance_type_offerings"

_saved_create_loader = None
_shared_loaders = {}


# --- 1. one botocore loader per data path ------------------------------------


def shared_loader(search_path_string=None):
    """botocore's create_loader, but one loader (with its parsed files) per data path.

    A folder named twice counts once: importing awscli appends its data folder to
    AWS_DATA_PATH, which the lab's sandbox already names.
    """
    if search_path_string is not None:
        search_path_string = os.pathsep.join(dict.fromkeys(search_path_string.split(os.pathsep)))
    if search_path_string not in _shared_loaders:
        _shared_loaders[search_path_string] = _saved_create_loader(search_path_string)
    return _shared_loaders[search_path_string]


def share_botocore_loaders():
    """Make every new botocore session (boto3's, moto's, the CLI's) use the shared loaders."""
    global _saved_create_loader
    import botocore.loaders
    import botocore.session

    if _saved_create_loader is None:
        _saved_create_loader = botocore.loaders.create_loader
        botocore.loaders.create_loader = shared_loader
        botocore.session.create_loader = shared_loader


def unshare_botocore_loaders():
    """Give botocore its own create_loader back (sessions made meanwhile keep theirs)."""
    global _saved_create_loader
    import botocore.loaders
    import botocore.session

    if _saved_create_loader is not None:
        botocore.loaders.create_loader = _saved_create_loader
        botocore.session.create_loader = _saved_create_loader
        _saved_create_loader = None
        _shared_loaders.clear()


# --- 2. instance-type offerings on demand ------------------------------------


class LazyOfferings(dict):
    """One location type's {region: offerings}, each region's file read when first looked up."""

    def __init__(self, location_type, files, load_resource):
        """Remember which file holds each region's offerings; read none yet."""
        super().__init__()
        self.location_type = location_type
        self._files = dict(files)  # region -> moto resource path
        self._load_resource = load_resource

    def _load(self, region):
        """Read one region's offerings as moto's module does at import (adding LocationType)."""
        path = self._files.pop(region, None)
        if path is not None:
            offerings = self._load_resource(path)
            for offering in offerings:
                offering["LocationType"] = self.location_type
            dict.__setitem__(self, region, offerings)

    def _load_all(self):
        """Read every region's offerings not read yet."""
        for region in list(self._files):
            self._load(region)

    def __getitem__(self, region):
        """One region's offerings, read now if needed."""
        self._load(region)
        return dict.__getitem__(self, region)

    def get(self, region, default=None):
        """One region's offerings (read now if needed), or `default`."""
        self._load(region)
        return dict.get(self, region, default)

    def __contains__(self, region):
        """True for a region with offerings, read or not."""
        return region in self._files or dict.__contains__(self, region)

    def __len__(self):
        """The number of regions, read or not."""
        return len(self._files) + dict.__len__(self)

    def __iter__(self):
        """Every region (reads them all, as a plain dict would have them)."""
        self._load_all()
        return dict.__iter__(self)

    def keys(self):
        """Every region (reads them all)."""
        self._load_all()
        return dict.keys(self)

    def values(self):
        """Every region's offerings (reads them all)."""
        self._load_all()
        return dict.values(self)

    def items(self):
        """(region, offerings) pairs (reads them all)."""
        self._load_all()
        return dict.items(self)

    def __eq__(self, other):
        """Compare as the plain dict moto would have built (reads them all)."""
        self._load_all()
        return dict.__eq__(self, other)

    __hash__ = None

    def __repr__(self):
        """Which regions are read and which are still pending."""
        return f"LazyOfferings({self.location_type!r}, loaded={sorted(dict.keys(self))}, pending={sorted(self._files)})"


class _DeferOfferingsLoader:
    """Wraps the import of moto's instance_types module so its offerings are deferred."""

    def __init__(self, loader):
        """Wrap moto's module loader."""
        self._loader = loader

    def __getattr__(self, name):
        """get_source, get_filename, ... as the real loader has them."""
        return getattr(self._loader, name)

    def create_module(self, spec):
        """Create the module as the real loader does."""
        return self._loader.create_module(spec)

    def exec_module(self, module):
        """Run the module with offerings files skipped, then give it lazy tables for them."""
        from moto.utilities import utils

        load_resource = utils.load_resource
        skipped = {}  # location type -> {region: path}

        def skip_offerings(resource):
            """moto's load_resource, but an offerings file is noted (not read) and gives []."""
            parts = PurePosixPath(resource).parts
            if OFFERINGS_FOLDER in parts[:-1]:
                skipped.setdefault(parts[-2], {})[parts[-1].split(".")[0]] = resource
                return []
            return load_resource(resource)

        utils.load_resource = skip_offerings
        try:
            self._loader.exec_module(module)
        finally:
            utils.load_resource = load_resource
        for location_type, files in skipped.items():
            module.INSTANCE_TYPE_OFFERINGS[location_type] = LazyOfferings(location_type, files, load_resource)


class DeferOfferingsFinder(importlib.abc.MetaPathFinder):
    """Finds moto's instance_types module as usual, but imports it with deferred offerings."""

    def find_spec(self, name, path=None, target=None):
        """The usual spec of moto's instance_types module with the deferring loader; None for others."""
        if name != OFFERINGS_MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is not None and spec.loader is not None:
            spec.loader = _DeferOfferingsLoader(spec.loader)
        return spec


def defer_instance_type_offerings():
    """Defer the offerings of moto's EC2 module (no effect if moto's EC2 is already imported)."""
    if not any(isinstance(finder, DeferOfferingsFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, DeferOfferingsFinder())


# --- 3. event names and handler signatures, once per process ------------------------

_shared_alias_cache = {}
_known_signatures = {}
_saved_alias_init = None


def remembering_accepts_kwargs(func):
    """botocore's accepts_kwargs (does the handler take **kwargs?), asked once per function."""
    from botocore.compat import accepts_kwargs

    key = getattr(func, "__func__", func)
    try:
        if key not in _known_signatures:
            _known_signatures[key] = accepts_kwargs(func)
        return _known_signatures[key]
    except TypeError:  # an unhashable handler: ask every time
        return accepts_kwargs(func)


def share_event_work():
    """Share the default event-alias cache between emitters and remember handler signatures (idempotent)."""
    global _saved_alias_init
    import botocore.hooks

    if _saved_alias_init is not None:
        return
    emitter = botocore.hooks.EventAliaser
    _saved_alias_init = original = emitter.__init__

    def __init__(self, event_emitter, event_aliases=None):
        """botocore's set-up, then the shared cache for the default aliases."""
        original(self, event_emitter, event_aliases)
        if event_aliases is None:
            self._alias_name_cache = _shared_alias_cache

    emitter.__init__ = __init__
    botocore.hooks.accepts_kwargs = remembering_accepts_kwargs


# --- all ----------------------------------------------------------------------


def install():
    """Apply the workarounds (idempotent). Call before moto's EC2 module is first imported."""
    share_botocore_loaders()
    defer_instance_type_offerings()
    share_event_work()
