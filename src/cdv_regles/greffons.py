"""Chargement des greffons (plugins) : le socle et un greffon par partenaire.

Un greffon cassé (qui ne s'importe pas, qui lève une exception, ou dont un fichier de règles est
mal formé) n'arrête pas la vérification : ses défauts sont collectés et signalés en le nommant,
les autres règles s'appliquent, et la commande sort avec un statut non nul.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pluggy

from cdv_regles import hookspecs

GROUPE = "cdv_regles"
VARIABLE_DESACTIVER = "CDV_REGLES_DESACTIVER"


@dataclass
class Defaut:
    """Ce qui n'a pas marché dans un greffon, dit en français."""

    greffon: str
    message: str

    def __str__(self) -> str:
        return f"greffon « {self.greffon} » : {self.message}"


@dataclass
class Greffon:
    nom: str
    module: Any
    version: str
    partenaire: str = ""
    nom_partenaire: str = ""


@dataclass
class Greffons:
    gestionnaire: pluggy.PluginManager
    actifs: list[Greffon] = field(default_factory=list)
    desactives: list[str] = field(default_factory=list)
    defauts: list[Defaut] = field(default_factory=list)

    def appeler(self, hook: str, **kwargs: Any) -> list[tuple[Greffon, Any]]:
        """Appelle un hook greffon par greffon, en isolant les erreurs de chacun."""
        resultats = []
        par_module = {id(g.module): g for g in self.actifs}
        for impl in getattr(self.gestionnaire.hook, hook).get_hookimpls():
            greffon = par_module.get(id(impl.plugin))
            if greffon is None:
                continue
            try:
                resultat = impl.function(**{k: kwargs[k] for k in impl.argnames})
            except Exception as e:  # un greffon tiers peut lever n'importe quoi
                self.defauts.append(Defaut(greffon.nom, f"{hook} a échoué : {e.__class__.__name__}: {e}"))
                continue
            if resultat is not None:
                resultats.append((greffon, resultat))
        return resultats


def noms_desactives(option: tuple[str, ...] | list[str] = ()) -> set[str]:
    """Greffons désactivés par l'option ``--sans`` et la variable CDV_REGLES_DESACTIVER."""
    noms = {n.strip() for n in os.environ.get(VARIABLE_DESACTIVER, "").split(",") if n.strip()}
    return noms | {n.strip() for n in option if n.strip()}


def charger(desactives: set[str] | None = None) -> Greffons:
    desactives = desactives or set()
    pm = pluggy.PluginManager(GROUPE)
    pm.add_hookspecs(hookspecs)
    greffons = Greffons(pm)
    points: dict[str, metadata.EntryPoint] = {}
    for ep in metadata.entry_points(group=GROUPE):
        if ep.name in points and points[ep.name].value != ep.value:
            greffons.defauts.append(Defaut(ep.name, f"deux paquets déclarent ce greffon ({points[ep.name].value} "
                                           f"et {ep.value}) : désinstallez l'un des deux"))
            continue
        points[ep.name] = ep
    if "socle" not in points:  # lancé depuis les sources sans installation
        from cdv_regles import socle
        _enregistrer(greffons, "socle", socle, _version_paquet("cdv-regles"))
    for nom in sorted(points, key=lambda n: (n != "socle", n)):
        if nom in desactives:
            greffons.desactives.append(nom)
            continue
        ep = points[nom]
        try:
            module = ep.load()
        except Exception as e:  # un greffon tiers peut lever n'importe quoi à l'import
            greffons.defauts.append(Defaut(nom, f"ne s'importe pas ({e.__class__.__name__}: {e})"))
            continue
        version = ep.dist.version if ep.dist is not None else "?"
        _enregistrer(greffons, nom, module, version)
    for greffon, info in greffons.appeler("cdv_regles_partenaire"):
        if not isinstance(info, dict) or "code" not in info:
            greffons.defauts.append(
                Defaut(greffon.nom, "cdv_regles_partenaire doit renvoyer {'code': ..., 'nom': ...}"))
            continue
        greffon.partenaire = str(info["code"])
        greffon.nom_partenaire = str(info.get("nom", info["code"]))
    return greffons


def _enregistrer(greffons: Greffons, nom: str, module: Any, version: str) -> None:
    try:
        greffons.gestionnaire.register(module, name=nom)
    except Exception as e:  # pluggy refuse un hook mal nommé ou mal signé
        greffons.defauts.append(Defaut(nom, f"refusé par pluggy ({e.__class__.__name__}: {e})"))
        return
    greffons.actifs.append(Greffon(nom, module, version, partenaire=nom))


def _version_paquet(nom: str) -> str:
    try:
        return metadata.version(nom)
    except metadata.PackageNotFoundError:
        from cdv_regles import __version__
        return __version__
