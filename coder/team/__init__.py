"""Coding as a team: who is coding (identity), bringing two copies of a project together (merge), how far
coders agree (agreement) and the agreed coding they settle on (consensus).

The measures in :mod:`coder.team.agreement` are pure functions over plain data; the service functions beside
them read a :class:`coder.store.Project`. No module here imports textual or runs SQL (store/team.py does).
"""
