"""Checks for the quickstart on docs/pytorch/index.md, on what the page's run trained."""

PAGE = "docs/pytorch/index.md"


def test_the_quickstart_learns_the_digits(page):
    # The page prints the accuracies; the floors live here.
    assert page.accuracy(page.model, page.x_val, page.y_val) >= 0.9
    assert page.accuracy(page.model, page.x_test, page.y_test) >= 0.9


def test_the_training_loss_falls(page):
    import torch

    losses = []
    for images, labels in page.train_loader:  # one more epoch, measured before any update
        with torch.no_grad():
            losses.append(page.loss_fn(page.model(images.to(page.device)), labels.to(page.device)).item())
    torch.manual_seed(0)
    fresh = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    with torch.no_grad():
        untrained = page.loss_fn(fresh(page.x_train), page.y_train).item()
    assert sum(losses) / len(losses) < untrained / 4  # ln(10) = 2.3 at the start


def test_the_restored_model_predicts_like_the_trained_one(page):
    import torch

    with torch.no_grad():
        restored = page.restored(page.x_test.to(page.device))
        trained = page.model(page.x_test.to(page.device))
    torch.testing.assert_close(restored, trained)
