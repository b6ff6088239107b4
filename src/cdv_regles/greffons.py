"""Chargement des greffons (plugins) : le socle et un greffon par partenaire.

Un greffon cassé (qui ne s'importe pas, dont un hook est inconnu ou mal signé, qui lève une
exception, ou dont un fichier de règles est mal formé) n'arrête pas la vérification : ses défauts
sont rendus à l'appelant en le nommant, les autres greffons travaillent, et la commande sort
avec le statut 3. Les hooks sont appelés par pluggy, greffon par greffon (un appelant de sous-
ensemble par greffon), pour qu'une exception reste celle de son greffon.
"""

from __future__ import annotations

import difflib
import os
import traceback
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pluggy

from cdv_regles import hookspecs

GROUPE = "cdv_regles"
VARIABLE_DESACTIVER = "CDV_REGLES_DESACTIVER"


@dataclass(frozen=True)
class Defaut:
    """Ce qui n'a pas marché dans un greffon, dit en français sur une ligne.

    ``trace`` : la trace Python de l'exception en cause (vide s'il n'y en a pas), pour l'auteur
    du greffon ; l'agent ne voit que ``str(defaut)``.
    """

    greffon: str
    message: str
    trace: str = field(default="", compare=False, repr=False)

    def __str__(self) -> str:
        return f"greffon « {self.greffon} » : {' '.join(self.message.split())}"  # toujours une ligne


def defaut_exception(greffon: str, quoi: str, e: BaseException) -> Defaut:
    """Le défaut d'un greffon dont ``quoi`` a levé ``e`` : une ligne, et la trace à part."""
    detail = " ".join(str(e).split())[:300]
    return Defaut(greffon, f"{quoi} a échoué ({e.__class__.__name__}{' : ' + detail if detail else ''})",
                  trace="".join(traceback.format_exception(e)))


@dataclass
class Greffon:
    nom: str
    module: Any
    version: str
    partenaire: str = ""
    nom_partenaire: str = ""


@dataclass
class Greffons:
    """Les greffons chargés. ``defauts`` : ceux du chargement seulement (figés ensuite) ; les
    défauts d'une exécution sont rendus par ``appeler`` dans la liste que donne l'appelant."""

    gestionnaire: pluggy.PluginManager
    actifs: list[Greffon] = field(default_factory=list)
    desactives: list[str] = field(default_factory=list)
    defauts: list[Defaut] = field(default_factory=list)

    def appeler(self, hook: str, defauts: list[Defaut], **kwargs: Any) -> list[tuple[Greffon, Any]]:
        """Appelle ``hook`` greffon par greffon ; l'exception d'un greffon devient un ``Defaut``
        ajouté à ``defauts``, et les autres greffons sont appelés quand même."""
        resultats = []
        for greffon in self.actifs:
            autres = [p for p in self.gestionnaire.get_plugins() if p is not greffon.module]
            appel = self.gestionnaire.subset_hook_caller(hook, remove_plugins=autres)
            if not appel.get_hookimpls():
                continue
            try:
                sorties = appel(**kwargs)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as e:  # un greffon tiers peut lever n'importe quoi, même une panique de polars
                defauts.append(defaut_exception(greffon.nom, hook, e))
                continue
            resultats += [(greffon, r) for r in sorties]
        return resultats


def greffons_installes() -> list[str]:
    """Les noms des greffons installés (points d'entrée), socle compris, sans les charger."""
    return sorted({"socle", *(ep.name for ep in metadata.entry_points(group=GROUPE))})


def greffons_inconnus(noms: list[str]) -> str | None:
    """Ce qu'on dit de noms qui ne sont pas des greffons installés (``--sans`` comme
    CDV_REGLES_DESACTIVER), ou None s'ils le sont tous."""
    installes = greffons_installes()
    inconnus = [n for n in noms if n not in installes]
    if not inconnus:
        return None
    return f"greffon inconnu : {', '.join(inconnus)}. Greffons installés : {', '.join(installes)}."


def noms_desactives(option: tuple[str, ...] | list[str] = ()) -> set[str]:
    """Greffons désactivés par l'option ``--sans`` et la variable CDV_REGLES_DESACTIVER (seul
    lecteur de la variable : ligne de commande, bouton « Vérifier », synthèse). Un nom de la
    variable qui n'est pas un greffon installé est refusé comme pour ``--sans`` (une faute de
    frappe laisserait le greffon actif sans rien dire) ; le socle ne se désactive jamais."""
    from cdv_regles.erreurs import ErreurCdv

    brute = os.environ.get(VARIABLE_DESACTIVER, "")
    noms = [n.strip() for n in brute.split(",") if n.strip()]
    refus = greffons_inconnus(noms) if noms else None
    if refus:
        raise ErreurCdv(f"variable d'environnement {VARIABLE_DESACTIVER}={brute!r} : {refus} Corrigez-la "
                        "(noms de greffons séparés par des virgules) ou retirez-la, puis relancez.")
    desactives = set(noms) | {n.strip() for n in option if n.strip()}
    if "socle" in desactives:
        raise ErreurCdv("le socle (règles communes) ne peut pas être désactivé.")
    return desactives


def charger(desactives: set[str] | None = None) -> Greffons:
    """Charge le socle et les greffons installés (points d'entrée du groupe ``cdv_regles``)."""
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
    if "socle" not in points:
        greffons.defauts.append(Defaut("socle", "le point d'entrée du socle manque : cdv-regles est mal installé "
                                       "(réinstallez-le, p. ex. « uv sync »)"))
    for nom in sorted(points, key=lambda n: (n != "socle", n)):
        if nom in desactives:
            greffons.desactives.append(nom)
            continue
        ep = points[nom]
        try:
            module = ep.load()
        except Exception as e:  # un greffon tiers peut lever n'importe quoi à l'import
            greffons.defauts.append(defaut_exception(nom, "l'import", e))
            continue
        version = ep.dist.version if ep.dist is not None else "?"
        _enregistrer(greffons, nom, module, version)
    for greffon, info in greffons.appeler("cdv_regles_partenaire", greffons.defauts):
        if not isinstance(info, dict) or "code" not in info:
            greffons.defauts.append(
                Defaut(greffon.nom, "cdv_regles_partenaire doit renvoyer {'code': ..., 'nom': ...}"))
            continue
        greffon.partenaire = str(info["code"])
        greffon.nom_partenaire = str(info.get("nom", info["code"]))
    return greffons


def _enregistrer(greffons: Greffons, nom: str, module: Any, version: str) -> None:
    """Enregistre un greffon ; refusé (et nommé) si pluggy ne l'accepte pas ou si l'un de ses
    hooks n'est pas une spécification connue (nom mal orthographié : il ne serait jamais appelé)."""
    pm = greffons.gestionnaire
    try:
        pm.register(module, name=nom)
    except Exception as e:  # pluggy refuse un hook mal signé
        greffons.defauts.append(Defaut(nom, f"refusé : {_signature_refusee(module, e)}",
                                       trace="".join(traceback.format_exception(e))))
        return
    try:
        pm.check_pending()  # les greffons déjà enregistrés l'ont passé : seul celui-ci est en cause
    except pluggy.PluginValidationError as e:
        inconnus = sorted(h.name for h in pm.get_hookcallers(module) or [] if not h.has_spec())
        pm.unregister(module)
        greffons.defauts.append(Defaut(nom, "refusé : " + " ; ".join(_hook_inconnu(h) for h in inconnus),
                                       trace="".join(traceback.format_exception(e))))
        return
    greffons.actifs.append(Greffon(nom, module, version, partenaire=nom))


def hooks_connus() -> list[str]:
    return sorted(n for n, f in vars(hookspecs).items() if callable(f) and hasattr(f, "cdv_regles_spec"))


def _hook_inconnu(nom: str) -> str:
    proche = difflib.get_close_matches(nom, hooks_connus(), n=1)
    suggestion = f" ; vouliez-vous dire « {proche[0]} » ?" if proche else ""
    return (f"le hook « {nom} » n'existe pas, il ne serait jamais appelé{suggestion} "
            f"(hooks connus : {', '.join(hooks_connus())})")


def _signature_refusee(module: Any, e: Exception) -> str:
    """Dit en français quel hook a des arguments que sa spécification ne donne pas."""
    import inspect

    for nom in hooks_connus():
        impl = getattr(module, nom, None)
        if impl is None or not callable(impl):
            continue
        attendus = list(inspect.signature(getattr(hookspecs, nom)).parameters)
        try:
            recus = [a for a in inspect.signature(impl).parameters if a != "self"]
        except (TypeError, ValueError):
            continue
        en_trop = [a for a in recus if a not in attendus]
        if en_trop:
            return (f"le hook « {nom} » attend {', '.join(en_trop)}, que cdv-regles ne fournit pas "
                    f"(arguments possibles : {', '.join(attendus) or 'aucun'})")
    return f"pluggy n'accepte pas ce greffon ({e.__class__.__name__})"

