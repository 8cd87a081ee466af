"""SOP steps 2-3: the librarians' queue, the member check and the decision."""
