"""Coding as a team: who is coding (identity), bringing two copies of a project together (merge), how far
coders agree (agreement) and the agreed coding they settle on (consensus).

The merge is :func:`coder.team.service.merge_projects`, the one module here that opens project files; it runs
the plan and its checks (:mod:`coder.team.merge_plan`) and the steps per table group
(:mod:`coder.team.merge_steps`, :mod:`coder.team.merge_annotations`), which are handed open projects. The
measures in :mod:`coder.team.agreement` are pure functions over plain data; the service functions beside them
read a :class:`coder.store.Project`. No module here imports textual or runs SQL (store/team.py does).
"""
