"""Themes in open answers: answers grouped by meaning (``cluster.py``, pure), and a theme turned into a code whose
answers wait as suggestions (``service.py``)."""
