"""The Streamlit app over the kb API (``kb ui`` runs ``streamlit run ui/app.py``)."""
