"""The ASGI entry point keeps the objects loaded at start-up out of the garbage collector's full passes.

Without it a full collection walked Django's, Wagtail's and the apps' few hundred thousand start-up objects and
stopped the event loop for ~70 ms every few seconds under chat load (bench/chat.py: p99 82 ms, 13 ms with).
"""

import gc
import weakref

import intranet.asgi


def test_start_up_objects_are_frozen_and_later_cycles_still_collected():
    assert intranet.asgi.application is not None
    assert gc.get_freeze_count() > 50_000  # the frameworks' modules, classes and functions

    class Node:
        pass

    first, second = Node(), Node()
    first.other, second.other = second, first  # a cycle, created after the freeze
    watcher = weakref.ref(first)
    del first, second
    gc.collect()
    assert watcher() is None
