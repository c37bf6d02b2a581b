"""Compile nlp/_fast.pyx in place (the optional C helpers of the pain-point pipeline).

Run by scripts/venv.sh, scripts/test.sh and ``make app`` (a no-op when the module is newer than
nlp/_fast.pyx; ``--force`` rebuilds). Without the compiled module everything works, in pure
Python, slower: a failed build prints one warning line and exits 0. Needs Cython and setuptools
(requirements.txt), numpy's headers and a C++ compiler.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    source = ROOT / "nlp" / "_fast.pyx"
    built = list((ROOT / "nlp").glob("_fast.*.so")) + list((ROOT / "nlp").glob("_fast.*.pyd"))
    if built and all(b.stat().st_mtime >= source.stat().st_mtime for b in built) and "--force" not in sys.argv:
        return 0  # up to date
    try:
        import numpy
        from Cython.Build import cythonize
        from setuptools import Extension, setup

        ext = Extension("nlp._fast", [str(ROOT / "nlp" / "_fast.pyx")], include_dirs=[numpy.get_include()],
                        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")], language="c++")
        setup(name="recorrido-fast", packages=[], py_modules=[], script_args=["-q", "build_ext", "--inplace"],
              ext_modules=cythonize([ext], language_level=3, quiet=True))
    except BaseException as exc:  # noqa: BLE001 (a compiler error ends setup() with SystemExit)
        print(f"warning: nlp/_fast.pyx not compiled ({type(exc).__name__}: {exc}); "
              "pain-point extraction runs in pure Python, about half as fast", file=sys.stderr)
    return 0


if __name__ == "__main__":
    import os

    os.chdir(ROOT)
    sys.exit(main())
