/** No delivery channel (SMTP or SMS provider) is configured for a notification that must be sent. */
export const NO_DELIVERY_CHANNEL_ID = 'NOTIF-n0chn';
