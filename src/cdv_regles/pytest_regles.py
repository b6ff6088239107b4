"""Greffon pytest : chaque exemple de règle devient un test, sans écrire de Python.

Installé avec cdv-regles (point d'entrée ``pytest11``). pytest ramasse les fichiers YAML de
règles rangés dans un dossier de millésime (``.../regles/2023/*.yaml``) et crée un test par
exemple : ``PIE-CERFA::invalide-1``. Une règle sans exemple valide ou sans exemple invalide est
un test en échec.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix in (".yaml", ".yml") and file_path.parent.name.isdigit() \
            and "exemples" not in file_path.parts:
        return FichierRegles.from_parent(parent, path=file_path)
    return None


@cache
def _environnement(millesime: int) -> tuple[Any, Any]:
    from cdv_regles.verification import preparer

    return preparer(millesime)


class FichierRegles(pytest.File):
    def collect(self):  # type: ignore[override]
        from cdv_regles.exemples import regles_du_fichier

        millesime = int(self.path.parent.name)
        _, catalogue = _environnement(millesime)
        defauts = [d for d in catalogue.defauts if str(self.path) in d.message]
        if defauts:
            yield ErreurFichier.from_parent(self, name="fichier", message="\n".join(map(str, defauts)))
            return
        regles = regles_du_fichier(catalogue, self.path)
        if not regles:
            yield ErreurFichier.from_parent(
                self, name="fichier",
                message=f"{self.path} n'est fourni par aucun greffon actif pour le millésime {millesime} "
                "(greffon non installé ou désactivé ?)")
            return
        for regle in regles:
            for attendu in ("valides", "invalides"):
                exemples = regle.exemples.get(attendu) or []
                if not exemples:
                    yield ErreurFichier.from_parent(
                        self, name=f"{regle.id}::{attendu}",
                        message=f"la règle {regle.id} n'a aucun exemple {attendu[:-1]} : ajoutez-en un")
                for i, exemple in enumerate(exemples, 1):
                    yield ExempleRegle.from_parent(
                        self, name=f"{regle.id}::{attendu[:-1]}-{i}", regle=regle, exemple=exemple,
                        invalide=attendu == "invalides", millesime=millesime)


class EchecExemple(Exception):
    pass


class ExempleRegle(pytest.Item):
    def __init__(self, *, regle: Any, exemple: Any, invalide: bool, millesime: int, **kw: Any) -> None:
        super().__init__(**kw)
        self.regle, self.exemple, self.invalide, self.millesime = regle, exemple, invalide, millesime

    def runtest(self) -> None:
        from cdv_regles.exemples import executer

        if not isinstance(self.exemple, dict):
            raise EchecExemple(f"un exemple est un dictionnaire colonne → valeur (vu : {self.exemple!r})")
        greffons, catalogue = _environnement(self.millesime)
        constats = executer(self.regle, self.exemple, greffons, catalogue)
        if self.invalide and not constats:
            raise EchecExemple(
                f"{self.regle.id} devait signaler cet exemple invalide, et n'a rien dit : {self.exemple}")
        if not self.invalide and constats:
            raise EchecExemple(f"{self.regle.id} ne devait rien signaler sur cet exemple valide, et a dit : "
                               + " | ".join(c.message for c in constats))
        fragment = self.exemple.get("message_contient")
        if fragment and not any(fragment in c.message for c in constats):
            raise EchecExemple(f"aucun message de {self.regle.id} ne contient « {fragment} » : "
                               + " | ".join(c.message for c in constats))

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, EchecExemple):
            return f"{self.path} — {excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"exemple {self.name}"


class ErreurFichier(pytest.Item):
    def __init__(self, *, message: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.message = message

    def runtest(self) -> None:
        raise EchecExemple(self.message)

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        return f"{self.path} — {self.message}"

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, self.name
