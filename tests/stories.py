"""Articles of a second story (a city budget) that several test modules mix with the seeds."""

COUNCIL = {
    "id": "council",
    "title": "Council approves budget",
    "text": "The city council approved next year's budget on Monday by seven votes to two. The budget raises "
    "spending on road repairs and libraries. Two councillors said property taxes would rise too fast.",
}
COUNCIL_AGAIN = {
    "id": "council-2",
    "title": "City budget passes after long debate",
    "text": "After a four-hour debate, the city council passed the budget for next year on Monday. Road "
    "repairs and the libraries get more money; two members voted against, citing higher property taxes.",
}

COUNCIL_THIRD = {
    "id": "council-3",
    "title": "Councillors back spending plan for roads and libraries",
    "text": "The council's budget for next year cleared its final vote on Monday, seven to two. More money goes "
    "to road repairs and to the city's libraries. The two members who voted no warned about property taxes.",
}
