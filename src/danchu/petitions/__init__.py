"""Citizens' requests (Law 10/2022 Art. 32–35): feedback, complaints, denunciations and more."""
