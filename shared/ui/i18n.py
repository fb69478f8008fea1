"""Qt translations. Source strings in the code are the Chinese text (the default language);
other languages come from ``<package>/i18n/<domain>_<lang>.ts``, compiled to ``.qm`` by
:func:`compile_translations` when the project is set up (``python -m shared.ui.i18n``)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import PySide6
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = ("zh_CN", "en")
#: the packages whose ``i18n`` folders hold translation sources
_PACKAGES_ROOT = Path(__file__).resolve().parents[2]
_SOURCE_PACKAGES = ("kiosk", "center", "shared")


def _lrelease() -> Path:
    return Path(PySide6.__file__).parent / ("lrelease.exe" if os.name == "nt" else "lrelease")


def translation_sources(root: Path = _PACKAGES_ROOT) -> list[Path]:
    return sorted(
        path
        for package in _SOURCE_PACKAGES
        for path in (root / package).rglob("i18n/*.ts")
        if ".venv" not in path.parts
    )


def compile_translations(root: Path = _PACKAGES_ROOT) -> list[Path]:
    """Compile every ``.ts`` below the packages into the ``.qm`` beside it; returns the
    ``.qm`` files. A source that does not compile raises ``RuntimeError`` naming it."""
    compiled = []
    for source in translation_sources(root):
        target = source.with_suffix(".qm")
        result = subprocess.run(  # noqa: S603 - Qt's own tool, fixed arguments
            [str(_lrelease()), "-silent", str(source), "-qm", str(target)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or not target.exists():
            raise RuntimeError(f"lrelease failed on {source}: {result.stderr.strip()}")
        compiled.append(target)
    return compiled


def normalise_language(language: str | None) -> str:
    """``"en_GB"`` → ``"en"``, ``"zh"``/unknown/empty → the default."""
    if not language:
        return DEFAULT_LANGUAGE
    if language.lower().startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


class Translations:
    """The translators of one app (one per domain), switchable at run time: widgets that
    handle ``QEvent.LanguageChange`` re-read their texts."""

    def __init__(self, app: QCoreApplication, folders: dict[str, Path]) -> None:
        self.app = app
        #: domain → the ``i18n`` folder holding ``<domain>_<lang>.qm``
        self.folders = folders
        self.language = DEFAULT_LANGUAGE
        self._installed: list[QTranslator] = []

    def set_language(self, language: str) -> bool:
        """Switch every domain to ``language``; ``False`` when a compiled file is missing
        (the Chinese source text is shown instead)."""
        language = normalise_language(language)
        for translator in self._installed:
            self.app.removeTranslator(translator)
        self._installed.clear()
        complete = True
        if language != DEFAULT_LANGUAGE:
            for domain, folder in self.folders.items():
                translator = QTranslator(self.app)
                qm = folder / f"{domain}_{language}.qm"
                if translator.load(str(qm)):
                    self.app.installTranslator(translator)
                    self._installed.append(translator)
                else:
                    log.warning("no compiled translation %s: showing Chinese", qm)
                    complete = False
        self.language = language
        QLocale.setDefault(QLocale(QLocale.Language.English if language == "en" else "zh_CN"))
        return complete


def main() -> int:
    try:
        for path in compile_translations():
            print(path)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
