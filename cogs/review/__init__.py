"""The teacher's review queue, shared by every feature that needs a teacher's decision.

``items.py`` (what waits, and ``submit``), ``service.py`` (``ReviewQueue``: decisions by
command, button or reaction; the queue), ``effects.py`` (carrying a state out exactly
once), ``floods.py`` (combined reviews), ``commands.py`` (`mod queue/approve/...`).
"""
