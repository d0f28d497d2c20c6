package la.panya;

/** A failure reported by the reader library: its status (panya_status.h) and message. */
public final class PanyaException extends java.io.IOException {
    private static final long serialVersionUID = 1L;
    /** PANYA_ERR_INVALID: a damaged or invalid bundle. */
    public static final int INVALID = 1;
    /** PANYA_ERR_NOT_FOUND: no such file, profile or course. */
    public static final int NOT_FOUND = 7;

    private final int status;

    public PanyaException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The library's status code (see panya_status.h). */
    public int status() {
        return status;
    }
}
