"""Checks for the claims made on docs/pytorch/lightning.md."""

import logging
from pathlib import Path

from snippets.pytorch import lightning as page


def test_trainer_ran_every_epoch():
    assert page.trainer.current_epoch == 15
    assert page.trainer.max_epochs == 15


def test_validation_and_test_accuracy_reach_95_percent():
    assert page.val_acc >= 0.95
    assert page.test_acc >= 0.95


def test_trainer_wrote_no_files():
    assert not Path("lightning_logs").exists()
    assert page.trainer.logger is None
    assert not page.trainer.checkpoint_callbacks


def test_lightning_info_logs_are_silenced():
    assert logging.getLogger("lightning.pytorch").level == logging.ERROR


def test_configure_optimizers_schedules_over_all_epochs():
    (optimizer,), (scheduler,) = page.classifier.configure_optimizers()
    assert scheduler.T_max == page.trainer.max_epochs == 15
    assert optimizer.param_groups[0]["lr"] == page.classifier.lr
