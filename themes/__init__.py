"""The shared taxonomy of the attraction work: municipalities, work packages, value chain, relocation phases, sprint methods, roles."""
