"""Le ramasse-miettes espacé (cdv_regles.processus) vaut pour un lancement de cdv-regles ou du
bouton, jamais pour un programme qui importe la bibliothèque."""

from __future__ import annotations

import datetime as dt
import gc
import subprocess
import sys
from pathlib import Path

from cdv_regles.processus import SEUILS_COLLECTE

EXEMPLE = Path(__file__).resolve().parents[1] / "classeurs" / "exemple-programmation-2023.xlsx"


def test_la_bibliotheque_ne_touche_pas_aux_reglages_de_l_appelant() -> None:
    from cdv_regles.verification import verifier_fichier

    avant, figes = gc.get_threshold(), gc.get_freeze_count()
    resultat = verifier_fichier(EXEMPLE, millesime=2023, date_reference=dt.date(2023, 3, 1))
    assert resultat.constats and gc.get_threshold() == avant and gc.get_freeze_count() == figes


def test_la_commande_espace_le_ramasse_miettes_et_s_arrete_sans_defaire_ses_objets() -> None:
    # Le script s'arrête par processus.quitter (cli.executer) : les crochets atexit passent encore (ici, il
    # lit le réglage et écrit sur la sortie, qui est vidée), puis os._exit, sans finaliseurs.
    code = ("import atexit, gc, sys\n"
            "atexit.register(lambda: print('SEUILS', gc.get_threshold()))\n"
            "class Sonde:\n"
            "    def __del__(self): print('DEFAIT')\n"
            "sonde = Sonde()\n"
            "sys.argv = ['cdv-regles', 'verifier', sys.argv[1], '--millesime', '2023', '--date', '2023-03-01']\n"
            "from cdv_regles.cli import executer\nexecuter()\n")
    fini = subprocess.run([sys.executable, "-c", code, str(EXEMPLE)], capture_output=True, text=True,
                          timeout=120)
    assert fini.returncode == 1, fini.stderr  # l'exemple a des constats bloquants
    assert "constat(s)" in fini.stdout and fini.stdout.rstrip().endswith(f"SEUILS {SEUILS_COLLECTE}")
    assert "DEFAIT" not in fini.stdout  # les objets vivants ne sont pas défaits un à un


def test_un_rapport_ecrit_est_complet_avant_l_arret(tmp_path: Path) -> None:
    """Le rapport écrit dans un fichier (--sortie) et la sortie standard sont entiers malgré
    l'arrêt sans finalisation (processus.quitter)."""
    sortie = tmp_path / "constats.json"
    fini = subprocess.run([sys.executable, "-m", "cdv_regles", "verifier", str(EXEMPLE), "--millesime", "2023",
                           "--date", "2023-03-01", "--format", "json", "--sortie", str(sortie)],
                          capture_output=True, text=True, timeout=120)
    assert fini.returncode == 1, fini.stderr
    import json

    assert json.loads(sortie.read_text(encoding="utf-8"))["constats"]
