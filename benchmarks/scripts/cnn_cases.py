"""Convolution cases for check_step_against_pytorch.py (--cases cnn|all)."""

# (name, SPEC, input shape, loss, lr, momentum, nesterov, weight decay, steps)
CNN_CASES = [
    ("conv k3 pad1 maxpool", "conv(1,4,3,1,1),relu,maxpool(2),flatten,linear(196,10)", (3, 1, 14, 14), "ce", 0.1,
     0.0, False, 0.0, 1),
    ("conv stride2 pad2 k5", "conv(3,5,5,2,2),relu,avgpool(3,2,1),flatten,linear(80,7)", (2, 3, 15, 15), "ce",
     0.05, 0.9, False, 1e-3, 3),
    ("conv k1 + maxpool pad", "conv(2,3,1),relu,maxpool(3,2,1),conv(3,4,3,1,0),flatten,linear(36,5)",
     (4, 2, 9, 9), "ce", 0.05, 0.9, True, 5e-4, 2),
    ("conv odd sizes mse", "conv(2,3,3,2,1),relu,avgpool(2,1,1),flatten,linear(90,4)", (1, 2, 9, 7), "mse",
     0.02, 0.5, False, 0.0, 2),
    ("cnn model", "cnn", (8, 1, 28, 28), "ce", 0.05, 0.9, True, 5e-4, 2),
    # ReLUs clnn does not fuse (before a convolution, before flatten) beside one it does (conv, relu, maxpool).
    ("conv kl momentum", "conv(1,4,3,1,1),relu,maxpool(2),flatten,linear(196,10)", (3, 1, 14, 14), "kl", 0.1,
     0.9, False, 1e-3, 2),
    ("conv kl nesterov", "conv(2,3,3,2,1),relu,avgpool(2,1,1),flatten,linear(90,4)", (5, 2, 9, 7), "kl", 0.05,
     0.9, True, 5e-4, 3),
    ("cnn model kl", "cnn", (4, 1, 28, 28), "kl", 0.05, 0.9, True, 5e-4, 2),
    ("relu unfused + fused", "conv(2,4,3,1,1),relu,conv(4,3,3,1,1),relu,maxpool(2),conv(3,2,3,1,1),relu,flatten,"
     "linear(40,6)", (3, 2, 10, 9), "ce", 0.05, 0.9, False, 1e-3, 2),
    # Dropout between a ReLU and pooling (which keeps the ReLU from fusing), and before the linear layer.
    ("conv dropout", "conv(1,4,3,1,1),relu,dropout(0.25),maxpool(2),flatten,dropout(0.4),linear(196,10)",
     (3, 1, 14, 14), "ce", 0.1, 0.9, False, 1e-3, 3),
    ("conv batchnorm2d", "conv(2,4,3,1,1),batchnorm2d(4),relu,maxpool(2),flatten,linear(100,5)", (3, 2, 10, 10),
     "ce", 0.1, 0.9, False, 1e-3, 3),
    # One sample: the statistics are over h·w only; 17·17 = 289 values per channel, more than a work-group.
    ("conv batchnorm2d n=1", "conv(3,5,3),batchnorm2d(5),relu,flatten,linear(1445,4)", (1, 3, 19, 19), "mse",
     0.05, 0.5, False, 0.0, 2),
]
