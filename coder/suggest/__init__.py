"""The suggestion engine (docs/suggestions.md): rules, the learned layer, calibration, evaluation — no SQL;
``service.py`` joins it to the project (accept, reject, the review queue, retraining)."""
