"""Known files: where each dataset lives in the cache folder and the checksum of every file.

MNIST's checksums are MD5 of the *decompressed* content. Mirrors compress the same content with
different tools, so the bytes of a ``.gz`` differ from mirror to mirror while the content does not.
The facades' are SHA-256 of each JPEG as it comes out of the pix2pix archive.

Each entry of ``DATASETS`` maps a dataset name to ``(folder inside the cache, files)``, where
``files`` maps a file name (a path inside the folder) to ``(size in bytes, md5 or sha256)``.
Each dataset has a module of its own that fetches and loads it.
"""
from .facades_sums import FILES as _FACADES_FILES

#: MNIST in torchvision's layout: ``<data_dir>/MNIST/raw/<idx file>``.
MNIST_FOLDER = "MNIST/raw"

MNIST = {
    "train-images-idx3-ubyte": (47_040_016, "6bbc9ace898e44ae57da46a324031adb"),
    "train-labels-idx1-ubyte": (60_008, "a25bea736e30d166cdddb491f175f624"),
    "t10k-images-idx3-ubyte": (7_840_016, "2646ac647ad5339dbf082846283269ea"),
    "t10k-labels-idx1-ubyte": (10_008, "27ae3e4e09519cfbb04c329615203637"),
}

#: The (images, labels) files of each MNIST split.
MNIST_SPLITS = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}

#: The CMP facades as prepared for pix2pix: ``<data_dir>/facades/{train,val,test}/<n>.jpg``.
FACADES_FOLDER = "facades"

FACADES = dict(_FACADES_FILES)

#: The facades splits; the files of each are named 1.jpg to <n>.jpg (400, 100 and 106).
FACADES_SPLITS = ("train", "val", "test")

DATASETS = {
    "mnist": (MNIST_FOLDER, MNIST),
    "facades": (FACADES_FOLDER, FACADES),
}
