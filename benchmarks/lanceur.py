"""Lance une commande et écrit dans un fichier JSON son temps, son temps CPU et sa mémoire de pointe.

    python -I -S benchmarks/lanceur.py RESULTAT.json COMMANDE [ARGUMENTS...]

Pourquoi un intermédiaire : sous Linux, la pointe de mémoire (``ru_maxrss``) d'un processus
lancé par fork puis exec part de la mémoire de son parent au moment du lancement. Mesurée
depuis ``mesurer.py`` (qui a importé polars et écrit des classeurs), la plus petite commande
paraîtrait peser des centaines de Mio. Ce lanceur, sans ``site`` ni import lourd, ne pèse que
quelques Mio : c'est le rôle que joue ``/usr/bin/time -f %M``, en portable. Le temps est pris
ici, autour du fork et de l'attente : le démarrage du lanceur n'y est pas compté.
"""

import json
import os
import sys
import time


def main(arguments: list[str]) -> int:
    resultat, commande = arguments[0], arguments[1:]
    debut = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(commande[0], commande)
        finally:
            os._exit(127)  # commande introuvable
    _, etat, usage = os.wait4(pid, 0)
    duree = time.perf_counter() - debut
    # ru_maxrss est en Kio sous Linux, en octets sous macOS.
    rss_kio = usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1)
    with open(resultat, "w", encoding="utf-8") as f:
        json.dump({"secondes": duree, "cpu": usage.ru_utime + usage.ru_stime, "rss_kio": rss_kio,
                   "statut": os.waitstatus_to_exitcode(etat)}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
