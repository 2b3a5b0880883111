"""Sprint boards, cards, results and retrospectives of the municipalities' local work (LOKALT)."""
