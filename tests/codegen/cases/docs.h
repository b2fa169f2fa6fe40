/* Golden case: doc comments on every kind of declaration reach the WSDL. */
#ifndef DOCS_H
#define DOCS_H
#include <ladon/annotate.h>

/**
 * A documented service.
 * The second line joins the first.
 */
LADON_SERVICE(Docs, "urn:ladon:test:docs");

/** Traffic light colours. */
typedef enum Light {
    LIGHT_RED,   /**< stop */
    /** go */
    LIGHT_GREEN
} Light;

/// A documented record (line comment style).
typedef struct Note {
    char *text;           /**< the text, with <markup> & "quotes" */
    /** optional author */
    LADON_OPTIONAL char *author;
    LADON_COUNT int n_tags; /**< documents the array when the array has no doc */
    char **tags;
    LADON_COUNT int n_lights;
    Light *lights;        ///< the lights
} Note;

/** Stores a note. */
LADON_METHOD int store_note(ladon_call *call,
                            Note note,         /**< the note to store */
                            /** a priority, 0-9 */
                            int priority,
                            int *result);      /**< the new note's id */

LADON_METHOD int undocumented(ladon_call *call, int x, int *result);

#endif
