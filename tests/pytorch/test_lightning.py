"""Checks for the claims made on docs/pytorch/lightning.md, on the objects the page built."""

import logging
import os
import threading
from pathlib import Path

from tests.processes import processes

PAGE = "docs/pytorch/lightning.md"


def child_processes():
    """This process's live or unreaped children (Linux /proc; empty elsewhere)."""
    return [str(p.pid) for p in processes() if p.ppid == os.getpid()]


def test_accuracy_floors(page):
    assert page.val_acc >= 0.95
    assert page.test_acc >= 0.95


def test_trainer_wrote_no_files(page):
    assert not Path("lightning_logs").exists()
    assert page.trainer.logger is page.memory  # keeps its records in memory
    assert not page.trainer.checkpoint_callbacks


def test_lightning_info_logs_are_silenced(page):
    assert logging.getLogger("lightning.pytorch").level == logging.ERROR


def test_configure_optimizers_schedules_over_all_epochs(page):
    (optimizer,), (scheduler,) = page.classifier.configure_optimizers()
    assert scheduler.T_max == page.trainer.max_epochs == 15
    assert optimizer.param_groups[0]["lr"] == page.classifier.lr


def test_no_thread_or_process_outlives_training(page):
    # No progress bar (and so no tqdm monitor thread), no DataLoader workers.
    assert threading.enumerate() == [threading.main_thread()]
    assert child_processes() == []


def test_train_loss_is_logged_per_step_and_val_acc_per_epoch(page):
    train = [m["train_loss"] for _, m in page.memory.records if "train_loss" in m]
    assert len(train) == len(page.train_loader) * page.trainer.max_epochs
    # callback_metrics holds the last step's loss, not an epoch mean.
    assert page.trainer.callback_metrics["train_loss"].item() == train[-1]
