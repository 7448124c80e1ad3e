"""Sprint 10 (from scratch to a framework): the layout conversions against PyTorch and NumPy,
the PyTorch twin of the deeper CNN, autograd against the hand-written backward passes, and the
notebook without PyTorch (every cell that needs it must explain and skip)."""
from __future__ import annotations

import shutil

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from solutions import framework
from solutions.conv2d import Conv2d, conv2d_forward_loops
from solutions.deep_cnn import DeepConvNet

from .conftest import ROOT, make_helpers

NOTEBOOK = ROOT / "notebooks" / "sprint10_framework.ipynb"


def test_flipped_filter_cross_correlation_is_numpys_convolution():
    rng = np.random.default_rng(0)
    signal, kernel = rng.normal(size=9), rng.normal(size=4)
    W = framework.flip_kernel(kernel.reshape(1, 1, 1, 4))
    ours = conv2d_forward_loops(signal.reshape(1, 1, 1, 9), W, np.zeros(1))[0, 0, 0]
    np.testing.assert_allclose(ours, np.convolve(signal, kernel, mode="valid"), rtol=1e-12)


def test_flip_twice_and_hwio_round_trip():
    rng = np.random.default_rng(1)
    W = rng.normal(size=(2, 3, 4, 5))
    np.testing.assert_array_equal(framework.flip_kernel(framework.flip_kernel(W)), W)
    hwio = W.transpose(2, 3, 1, 0)                      # (FH, FW, C, F), written independently
    np.testing.assert_array_equal(framework.conv_weight_from_hwio(hwio), W)


def test_counterparts_table_is_read_from_the_classes():
    rows = framework.counterparts_table()
    assert len(rows) == len(framework.COUNTERPARTS)
    conv = next(r for r in rows if r["scratch"] == "conv2d.Conv2d")
    assert conv["constructor"] == "(W, b, stride, pad)" and conv["torch"] == "torch.nn.Conv2d"


@pytest.mark.oracle
def test_affine_to_linear_gives_torch_linear_the_same_function(torch):
    rng = np.random.default_rng(2)
    W, b, x = rng.normal(size=(5, 3)), rng.normal(size=3), rng.normal(size=(4, 5))
    weight, bias = framework.affine_to_linear(W, b)
    linear = torch.nn.Linear(5, 3).double()
    with torch.no_grad():
        linear.weight.copy_(torch.tensor(weight))
        linear.bias.copy_(torch.tensor(bias))
    np.testing.assert_allclose(linear(torch.tensor(x)).detach().numpy(), x @ W + b, rtol=1e-12)


@pytest.mark.oracle
def test_conv2d_agrees_with_torch_and_flipped_filters_with_true_convolution(torch):
    rng = np.random.default_rng(3)
    x, W = rng.normal(size=(2, 3, 6, 7)), rng.normal(size=(4, 3, 3, 2))
    ours = Conv2d(W, np.zeros(4), stride=1, pad=1).forward(x)
    theirs = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(W), padding=1).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def _trained_tiny_net(dropout=0.0, dtype="float64"):
    net = DeepConvNet(input_dim=(1, 8, 8), blocks=(2, 3), hidden_size=5, output_size=4,
                      dropout_ratio=dropout, dtype=dtype, seed=5)
    rng = np.random.default_rng(4)
    for _ in range(3):
        net.gradient(rng.random((6, 1, 8, 8)).astype(dtype), rng.integers(0, 4, 6))
    return net, rng


@pytest.mark.oracle
@pytest.mark.parametrize("dtype,tol", [("float64", 1e-10), ("float32", 1e-4)])
def test_torch_twin_predicts_like_the_scratch_network(dtype, tol, torch):
    net, rng = _trained_tiny_net(dropout=0.5, dtype=dtype)
    twin = framework.to_torch(net)
    x = rng.random((5, 1, 8, 8)).astype(dtype)
    with torch.no_grad():
        theirs = twin(torch.tensor(x)).numpy()
    np.testing.assert_allclose(net.predict(x), theirs, rtol=tol, atol=tol)


@pytest.mark.oracle
def test_autograd_agrees_with_the_hand_written_backward_passes(torch):
    net, rng = _trained_tiny_net()
    x, t = rng.random((6, 1, 8, 8)), rng.integers(0, 4, 6)
    loss, theirs = framework.torch_gradients(net, framework.to_torch(net), x, t)
    ours = net.gradient(x, t)
    assert loss == pytest.approx(net.last_loss, rel=1e-12)
    assert set(theirs) == set(ours)
    for k in ours:
        np.testing.assert_allclose(ours[k], theirs[k], rtol=1e-8, atol=1e-12, err_msg=k)


@pytest.mark.slow
def test_notebook_runs_without_pytorch(tmp_path, monkeypatch):
    """A ``torch.py`` that raises ImportError beside the notebook hides PyTorch from the
    kernel: every cell must still run (the checks too), and say how to install it."""
    make_helpers(tmp_path)
    for name in ("autograder", "solutions", "data"):
        (tmp_path / name).symlink_to(ROOT / name)
    (tmp_path / "notebooks").mkdir()
    nb_path = tmp_path / "notebooks" / NOTEBOOK.name
    shutil.copyfile(NOTEBOOK, nb_path)
    (tmp_path / "notebooks" / "torch.py").write_text('raise ImportError("hidden by the test")\n')
    nb = nbformat.read(nb_path, as_version=4)
    monkeypatch.setenv("AUTOGRADER_STRICT", "1")
    monkeypatch.setenv("COURSE_QUICK", "1")
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(nb_path.parent)}}).execute()
    text = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                     for o in c.outputs)
    assert "PyTorch is not installed" in text and "pip install torch" in text
    assert text.count("skipping") >= 4
