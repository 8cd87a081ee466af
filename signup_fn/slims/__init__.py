"""The library system (SLiMS): its database, the member list, circulation."""
