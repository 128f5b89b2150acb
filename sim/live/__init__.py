"""Live play (``drill play``): a whole drill run with the room answering at injects.

:mod:`sim.live.play` runs a drill with a facilitator (the console, or recorded
answers) through the same MSEL code as a scripted run; :mod:`sim.live.console`
is the terminal room.
"""
